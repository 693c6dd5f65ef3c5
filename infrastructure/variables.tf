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
  description = "Other TXT values of the domain's apex, kept beside the SPF record (Route 53 holds one TXT set per name)."
  type        = list(string)
  default     = []
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
