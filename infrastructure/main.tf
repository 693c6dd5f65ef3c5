# Code Monet's AWS estate: one EC2 instance running Docker Compose (nginx, drawing-agent,
# web-ssr) behind an Elastic IP, its data on a separate encrypted EBS volume, images in ECR,
# DNS and email (SES) for the domain, alarms to email, daily snapshots, and the IAM user the
# release workflow uses. `terraform output` gives what the scripts need.

terraform {
  required_version = ">= 1.5"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # Pinned exactly: the CI machines carry a filesystem mirror of this version.
      version = "= 5.100.0"
    }
  }
}

provider "aws" {
  region = var.aws_region

  default_tags {
    tags = {
      Project   = var.project
      ManagedBy = "terraform"
    }
  }
}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  # The instance's Name tag: remote and release find the instance by it.
  instance_name = "drawing-agent"
  repositories  = toset(["drawing-agent", "web-ssr"])
  deploy_bucket = coalesce(var.deploy_bucket_name, "${var.project}-deploy-${local.account_id}")
  app_log_group = "/${var.project}/app"
  # The app's secrets: SecureString parameters below this path (not managed here: no secret in state).
  app_parameters = "/${var.project}/app"
}
