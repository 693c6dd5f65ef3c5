# One repository per image: drawing-agent (the API) and web-ssr (the SSR server).

locals {
  ecr_registry = split("/", aws_ecr_repository.app["drawing-agent"].repository_url)[0]
}

resource "aws_ecr_repository" "app" {
  for_each = local.repositories

  name = each.key
  # The release pushes the version tag and moves `latest`.
  image_tag_mutability = "MUTABLE"

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "AES256"
  }
}

resource "aws_ecr_lifecycle_policy" "app" {
  for_each = aws_ecr_repository.app

  repository = each.value.name
  policy = jsonencode({
    rules = [{
      rulePriority = 1
      description  = "Keep the last ${var.ecr_keep_images} images"
      selection = {
        tagStatus   = "any"
        countType   = "imageCountMoreThan"
        countNumber = var.ecr_keep_images
      }
      action = { type = "expire" }
    }]
  })
}
