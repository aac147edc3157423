variable "secret_key" {}
variable "key_id" {
  default = "GOLDENSECRETVALUE7777"
}

resource "aws_ecs_task_definition" "api" {
  family = "api"
  container_definitions = jsonencode([
    {
      name  = "api"
      image = "api:1"
      environment = [
        { name = "AWS_SECRET_ACCESS_KEY", value = var.secret_key },
        { name = "AWS_ACCESS_KEY_ID", value = var.key_id },
      ]
      logConfiguration = {
        logDriver = "awslogs"
      }
    },
  ])
}

resource "aws_ecs_task_definition" "heredoc" {
  family                = "heredoc"
  container_definitions = <<EOT
[
  {
    "name": "web",
    "image": "web:1",
    "environment": [{"name": "AWS_SECRET_ACCESS_KEY", "value": "${var.secret_key}"}],
    "secrets": [{"name": "AWS_ACCESS_KEY_ID", "valueFrom": "arn:aws:ssm:eu-west-1:123456789012:parameter/web/id"}]
  }
]
EOT
}

resource "awscc_ecs_task_definition" "cc" {
  family = "cc"
  container_definitions = [{
    name  = "app"
    image = "app:1"
    log_configuration = {
      log_driver = "awslogs"
    }
    secrets = [{
      name       = "AWS_SECRET_ACCESS_KEY"
      value_from = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:cc"
    }]
  }]
}
