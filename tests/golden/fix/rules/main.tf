variable "privileged" {
  type = bool
}

resource "aws_ecs_task_definition" "encoded" {
  family = "encoded"
  container_definitions = jsonencode([
    {
      name                   = "privileged"
      image                  = "example/agent:1"
      privileged             = true
      user                   = "root"
      readonlyRootFilesystem = true
      mountPoints            = [{ sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }]
    },
    {
      name                   = "by-variable"
      image                  = "example/agent:1"
      privileged             = var.privileged # left alone: the variable decides
      user                   = "1000"
      readonlyRootFilesystem = true
      mountPoints            = [{ sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }]
      logConfiguration = {
        logDriver = "awslogs"
        options   = { "awslogs-group" = "/ecs/x", "awslogs-region" = "eu-west-1" }
      }
    },
  ])
  volume {
    name = "tmp"
  }
}

resource "aws_ecs_task_definition" "heredoc" {
  family                = "heredoc"
  container_definitions = <<EOT
[
  {
    "name": "text",
    "image": "example/app:${var.tag}",
    "privileged": true,
    "readonlyRootFilesystem": true,
    "mountPoints": [{"sourceVolume": "tmp", "containerPath": "/tmp", "readOnly": false}]
  }
]
EOT
  volume {
    name = "tmp"
  }
}

resource "awscc_ecs_task_definition" "cc" {
  family = "cc"
  container_definitions = [
    {
      name                     = "snake"
      image                    = "example/app:1"
      privileged               = true
      read_only_root_filesystem = true
      mount_points             = [{ source_volume = "tmp", container_path = "/tmp", read_only = false }]
    },
  ]
  volumes = [{ name = "tmp" }]
}
