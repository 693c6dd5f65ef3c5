variable "aws_region" {
  description = "AWS region for everything but the global services."
  type        = string
  default     = "us-east-1"
}

variable "project" {
  description = "Short name used in resource names and the Project tag."
  type        = string
  default     = "monet"
}

variable "ssh_key_name" {
  description = "Name of an existing EC2 key pair for SSH (\"\" for none: the server is managed through SSM)."
  type        = string
}

variable "alert_email" {
  description = "Email address that receives the CloudWatch alarms (confirm the SNS subscription mail)."
  type        = string

  validation {
    condition     = can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.alert_email))
    error_message = "alert_email must be an email address."
  }
}

variable "domain" {
  description = "The Route 53 hosted zone (must exist) and SES sending domain."
  type        = string
  default     = "dmfenton.net"
}

variable "apex_txt_records" {
  description = "TXT values the domain's apex must carry besides what it has (Route 53 holds one TXT set per name). The zone's current values are kept anyway, and every SPF record among both is merged into one."
  type        = list(string)
  default     = []
}

variable "ses_sender" {
  description = "The only From address the server may send mail as (SES_SENDER_EMAIL of the app); \"\" means noreply@<domain>."
  type        = string
  default     = ""

  validation {
    condition     = var.ses_sender == "" || can(regex("^[^@\\s]+@[^@\\s]+$", var.ses_sender))
    error_message = "ses_sender must be \"\" or an email address."
  }
}

variable "dmarc_policy" {
  description = "DMARC policy for the domain: none (report only, the safe start), quarantine or reject."
  type        = string
  default     = "none"

  validation {
    condition     = contains(["none", "quarantine", "reject"], var.dmarc_policy)
    error_message = "dmarc_policy must be none, quarantine or reject."
  }
}

variable "dmarc_report_email" {
  description = "Where receivers send DMARC aggregate reports (rua); \"\" means alert_email. An address outside the domain must authorize it (a TXT <domain>._report._dmarc.<its domain>)."
  type        = string
  default     = ""

  validation {
    condition     = var.dmarc_report_email == "" || can(regex("^[^@\\s;,!]+@[^@\\s;,!]+\\.[^@\\s;,!]+$", var.dmarc_report_email))
    error_message = "dmarc_report_email must be \"\" or an email address without ; , or !."
  }
}

variable "subdomain" {
  description = "The site's host name below the domain."
  type        = string
  default     = "monet"
}

variable "ssh_cidr" {
  description = "CIDR allowed to reach port 22 (e.g. your IP as a.b.c.d/32); \"\" closes SSH entirely."
  type        = string
  default     = ""

  validation {
    condition     = var.ssh_cidr == "" || (can(cidrhost(var.ssh_cidr, 0)) && var.ssh_cidr != "0.0.0.0/0")
    error_message = "ssh_cidr must be \"\" or a CIDR narrower than 0.0.0.0/0."
  }
}

variable "instance_type" {
  description = "EC2 instance type."
  type        = string
  default     = "t3.small"
}

variable "ami_id" {
  description = "AMI for the instance; \"\" uses the latest Amazon Linux 2023 (x86_64)."
  type        = string
  default     = ""
}

variable "data_volume_size" {
  description = "Size in GB of the data volume mounted at /home/ec2-user/data."
  type        = number
  default     = 10
}

variable "ecr_keep_images" {
  description = "How many images each ECR repository keeps."
  type        = number
  default     = 5
}

variable "deploy_bucket_name" {
  description = "S3 bucket the release syncs web/ and config/ to; \"\" means <project>-deploy-<account id>."
  type        = string
  default     = ""
}

variable "snapshot_retain_count" {
  description = "How many daily snapshots DLM keeps of each volume tagged Backup=true."
  type        = number
  default     = 7
}

variable "release_auth" {
  description = "How the release workflow reaches AWS: oidc (recommended: a role GitHub's OIDC tokens of github_repository's tags may assume; no stored key), user (the IAM user and its access key in GitHub secrets), or both (while switching)."
  type        = string
  default     = "oidc"

  validation {
    condition     = contains(["oidc", "user", "both"], var.release_auth)
    error_message = "release_auth must be oidc, user or both."
  }
}

variable "github_repository" {
  description = "The repository (owner/name) whose tag pushes may assume the release role."
  type        = string
  default     = "dmfenton/CodeMonet"

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "github_repository must be owner/name."
  }
}

variable "github_oidc_provider_arn" {
  description = "An existing IAM OIDC provider for token.actions.githubusercontent.com (an account holds one per URL); \"\" creates it."
  type        = string
  default     = ""
}

variable "compose_version" {
  description = "The Docker Compose plugin release the server installs."
  type        = string
  default     = "v2.29.7"
}

variable "compose_sha256" {
  description = "Expected SHA-256 of compose_version's docker-compose-linux-ARCH binary, by `uname -m`. Pinned here, not read from the release it checks."
  type        = map(string)
  # From docker/compose v2.29.7's release assets, as pinned by docker-library/docker (versions.json, 2024-09-20).
  default = {
    x86_64  = "383ce6698cd5d5bbf958d2c8489ed75094e34a77d340404d9f32c4ae9e12baf0"
    aarch64 = "6e9fbd5daa20dca5d7d89145081ae8155d68ef2928b497d9f85b54fe0f9dbb2c"
  }

  validation {
    condition     = length(var.compose_sha256) > 0 && alltrue([for arch, hash in var.compose_sha256 : can(regex("^(x86_64|aarch64)$", arch)) && can(regex("^[0-9a-f]{64}$", hash))])
    error_message = "compose_sha256 maps x86_64 and/or aarch64 to a 64-digit lower-case hex SHA-256."
  }
}

variable "audit_log_retention_days" {
  description = "How long Run Command output and Session Manager sessions are kept in CloudWatch Logs."
  type        = number
  default     = 365
}

variable "vpc_cidr" {
  description = "CIDR of the VPC."
  type        = string
  default     = "10.0.0.0/16"
}

variable "public_subnet_cidr" {
  description = "CIDR of the instance's public subnet."
  type        = string
  default     = "10.0.1.0/24"
}
