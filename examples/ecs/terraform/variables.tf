variable "image_tag" {
  type    = string
  default = "1.9.0"
}

variable "read_only" {
  type    = bool
  default = true
}
