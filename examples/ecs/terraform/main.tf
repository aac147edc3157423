# The notifications service, in Terraform.
resource "aws_ecs_task_definition" "notifications" {
  family                   = "notifications"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512

  container_definitions = jsonencode([
    {
      name                   = "notifier"
      image                  = "registry.example.com/notifier:${var.image_tag}"
      essential              = true
      readonlyRootFilesystem = var.read_only
      mountPoints = [
        { sourceVolume = "tmp", containerPath = "/tmp" }
      ]
    },
    {
      name      = "statsd"
      image     = "registry.example.com/statsd-exporter:0.26"
      essential = true
    }
  ])

  volume {
    name = "tmp"
  }
}
