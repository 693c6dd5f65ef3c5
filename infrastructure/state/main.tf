# The bucket that holds infrastructure/'s Terraform state (the S3 backend in ../main.tf), made
# once per account before anything else:
#   terraform -chdir=infrastructure/state init && terraform -chdir=infrastructure/state apply
# Its own state is local (infrastructure/state/terraform.tfstate: bucket settings, no secret);
# keep it, or lose nothing but the ability to change the bucket with Terraform (import it back).
# Private like the deploy bucket, versioned (an overwritten or deleted state can be restored),
# encrypted, TLS only, and kept on destroy.

terraform {
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "= 5.100.0"
    }
  }
}

variable "aws_region" {
  description = "Region of the state bucket (the backend block in ../main.tf says us-east-1)."
  type        = string
  default     = "us-east-1"
}

variable "project" {
  description = "Short name used in the bucket's name and the Project tag."
  type        = string
  default     = "monet"
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
  bucket     = "${var.project}-tfstate-${data.aws_caller_identity.current.account_id}"
  bucket_arn = "arn:${data.aws_partition.current.partition}:s3:::${local.bucket}"
}

resource "aws_s3_bucket" "state" {
  bucket = local.bucket

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_s3_bucket_public_access_block" "state" {
  bucket                  = aws_s3_bucket.state.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "state" {
  bucket = aws_s3_bucket.state.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "state" {
  bucket = aws_s3_bucket.state.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "state" {
  bucket = aws_s3_bucket.state.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

# Old state versions are kept 90 days: enough to roll back a bad apply, not forever.
resource "aws_s3_bucket_lifecycle_configuration" "state" {
  bucket = aws_s3_bucket.state.id
  rule {
    id     = "expire-old-state-versions"
    status = "Enabled"
    filter {}
    noncurrent_version_expiration {
      noncurrent_days = 90
    }
  }
  depends_on = [aws_s3_bucket_versioning.state]
}

resource "aws_s3_bucket_policy" "state" {
  bucket = aws_s3_bucket.state.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = [local.bucket_arn, "${local.bucket_arn}/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
  depends_on = [aws_s3_bucket_public_access_block.state]
}

output "state_bucket" {
  description = "The state bucket: terraform -chdir=infrastructure init -backend-config=\"bucket=THIS\"."
  value       = aws_s3_bucket.state.bucket
}
