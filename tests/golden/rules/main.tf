variable "pid_mode" {}
variable "user" {
  default = "app"
}

resource "aws_ecs_task_definition" "api" {
  family   = "api"
  pid_mode = var.pid_mode
  container_definitions = jsonencode([
    {
      name       = "api"
      image      = "api:1"
      privileged = false
      user       = var.user
    },
    {
      name       = "agent"
      image      = "agent:1"
      privileged = var.agent_privileged
    },
  ])
}

resource "awscc_ecs_task_definition" "cc" {
  family   = "cc"
  pid_mode = "host"
  container_definitions = [{
    name       = "app"
    image      = "app:1"
    privileged = "true"
    user       = "0:1000"
  }]
}
