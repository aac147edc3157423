# Terraform: every way container_definitions is written.
variable "ro" {
  default = true
}

variable "no_default" {
  type = bool
}

locals {
  hardened = true
}

resource "aws_ecs_task_definition" "jsonencode" {
  family = "svc"
  container_definitions = jsonencode([
    {   # expect: pass
      name = "literal"
      readonlyRootFilesystem = true
    },
    {   # expect: pass
      name = "by-var"
      readonlyRootFilesystem = var.ro
    },
    {   # expect: pass
      name = "by-local"
      readonlyRootFilesystem = local.hardened
    },
    {   # expect: fail
      name = "no-default"
      readonlyRootFilesystem = var.no_default
    },
    {   # expect: fail
      name = "conditional"
      readonlyRootFilesystem = var.ro ? true : false
    },
    {   # expect: fail
      name = "string"
      readonlyRootFilesystem = "true"
    },
    {   # expect: fail
      name = "missing"
    },
  ])
}

resource "awscc_ecs_task_definition" "cc" {
  family = "cc"
  container_definitions = [
    {   # expect: pass
      name = "cc-true"
      read_only_root_filesystem = true
    },
    {   # expect: fail
      name = "cc-false"
      read_only_root_filesystem = false
    }
  ]
}

resource "aws_ecs_task_definition" "dynamic" {
  family                = "dynamic"
  container_definitions = module.defs.json   # expect: fail
}
