# Code Monet's AWS estate: one EC2 instance running Docker Compose (nginx, drawing-agent,
# web-ssr) behind an Elastic IP, its data on a separate encrypted EBS volume, images in ECR,
# DNS and email (SES) for the domain, alarms to email, daily snapshots, and the way the release
# workflow reaches AWS (GitHub OIDC role, or the IAM user). `terraform output` gives what the
# scripts need.

terraform {
  # 1.10: the S3 backend's own lock file (use_lockfile), no DynamoDB table.
  required_version = ">= 1.10"

  # The state holds the release user's secret key (when release_auth includes "user"): it lives
  # encrypted in the private bucket that state/ creates, never on a laptop. The bucket is given at
  # init (it carries the account id): see docs/infrastructure.md, "The state bucket".
  #   terraform init -backend-config="bucket=$(terraform -chdir=state output -raw state_bucket)"
  backend "s3" {
    key          = "monet/terraform.tfstate"
    region       = "us-east-1"
    encrypt      = true
    use_lockfile = true
  }

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

# Route 53 health-check metrics exist only in us-east-1: their alarms live there.
provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"

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
  # Run Command output and Session Manager sessions: what operators ran on the server.
  ssm_log_group = "/${var.project}/ssm"
  # The app's secrets: SecureString parameters below this path (not managed here: no secret in state).
  app_parameters = "/${var.project}/app"
  # remote's one-time SecureStrings (create-user's password): the instance reads and deletes them.
  handover_parameters = "/${var.project}/tmp"
}
