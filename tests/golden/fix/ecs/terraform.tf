# Terraform: jsonencode and awscc are fixed in place (heredocs: see terraform_text.tf).
variable "ro" {
  default = false
}

resource "aws_ecs_task_definition" "api" {
  family = "api"
  container_definitions = jsonencode([
    {
      name      = "api"
      image     = "api:1"
      essential = true
    },
    {
      name                   = "by-var"
      image                  = "api:1"
      readonlyRootFilesystem = var.ro
    }
  ])

  volume {
    name = "data"
  }
}

resource "awscc_ecs_task_definition" "cc" {
  family = "cc"
  container_definitions = [
    {
      name  = "web"
      image = "nginx:1.27"
    }
  ]
}

resource "aws_ecs_task_definition" "heredoc" {
  family                = "heredoc"
  container_definitions = <<DEFS
[{"name": "in-heredoc", "image": "app:1"}]
DEFS
}
