# Terraform: container definitions as JSON text (heredocs, quoted strings) are
# fixed where they are written: the JSON's own indentation kept, every ${...}
# left as written, and the `=` of the lines around them aligned as terraform fmt does.
variable "ro" {
  default = false
}

resource "aws_ecs_task_definition" "heredoc" {
  family                = "heredoc"
  container_definitions = <<DEFS
[
    {
        "name": "app",
        "image": "${var.image}",
        "essential": true
    },
    {
        "name": "by-template",
        "image": "nginx:1.27",
        "readonlyRootFilesystem": ${var.ro}
    },
    {
        "name": "off",
        "image": "nginx:1.27",
        "readonlyRootFilesystem": false,
        "mountPoints": [
            {"sourceVolume": "data", "containerPath": "/data"}
        ]
    }
]
DEFS
  cpu                   = 256

  volume {
    name = "data"
  }
}

resource "aws_ecs_task_definition" "indented" {
  family                = "indented"
  container_definitions = <<-EOT
    [{"name": "app", "image": "app:1", "command": ["echo", "$${HOME}"]}]
  EOT
}

resource "aws_ecs_task_definition" "quoted" {
  family                = "quoted"
  container_definitions = "[{\"name\": \"app\", \"image\": \"app:${var.tag}\", \"cpu\": 10}]"
}

resource "aws_ecs_task_definition" "directive" {
  family                = "directive"
  container_definitions = <<DEFS
[%{ for n in var.names }{"name": "${n}", "image": "app:1"}%{ endfor }]
DEFS
}
