resource "aws_ecs_task_definition" "batch" {
  family = "batch"
  container_definitions = jsonencode([
    {
      name  = "batch"
      image = "batch:1"
      environmentFiles = [
        { value = "arn:aws:s3:::config-bucket/batch.env", type = "s3" },
      ]
      logConfiguration = {
        logDriver = "awslogs"
      }
    },
  ])
}

resource "awscc_ecs_task_definition" "cc_files" {
  family = "cc-files"
  container_definitions = [{
    name  = "app"
    image = "app:1"
    environment_files = [{
      value = "arn:aws:s3:::config-bucket/cc.env"
      type  = "s3"
    }]
    log_configuration = {
      log_driver = "awslogs"
    }
  }]
}
