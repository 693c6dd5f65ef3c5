# The server: one instance running Docker Compose, its security group and IAM role, the data
# volume that outlives it, its Elastic IP, and the deploy bucket it reads web/ and config/ from.

data "aws_ssm_parameter" "al2023" {
  name = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
}

locals {
  ami_id             = var.ami_id != "" ? var.ami_id : nonsensitive(data.aws_ssm_parameter.al2023.value)
  deploy_bucket_arn  = "arn:${local.partition}:s3:::${local.deploy_bucket}"
  ecr_repository_arn = [for name in sort(local.repositories) : "arn:${local.partition}:ecr:${var.aws_region}:${local.account_id}:repository/${name}"]
  parameter_arn      = "arn:${local.partition}:ssm:${var.aws_region}:${local.account_id}:parameter"
  log_group_arn      = "arn:${local.partition}:logs:${var.aws_region}:${local.account_id}:log-group:${local.app_log_group}"
  ssm_log_group_arn  = "arn:${local.partition}:logs:${var.aws_region}:${local.account_id}:log-group:${local.ssm_log_group}"
}

resource "aws_security_group" "app" {
  name        = "${var.project}-app"
  description = "HTTP and HTTPS from anywhere; SSH only from var.ssh_cidr"
  vpc_id      = aws_vpc.main.id

  ingress {
    description = "HTTP (ACME challenges, redirect to HTTPS)"
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  ingress {
    description = "HTTPS"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  dynamic "ingress" {
    for_each = var.ssh_cidr == "" ? [] : [var.ssh_cidr]
    content {
      description = "SSH from the operator"
      from_port   = 22
      to_port     = 22
      protocol    = "tcp"
      cidr_blocks = [ingress.value]
    }
  }

  egress {
    description = "Everything out (ECR, SSM, SES, package repositories)"
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = { Name = "${var.project}-app" }
}

# --- IAM role of the instance ---------------------------------------------------------------

resource "aws_iam_role" "instance" {
  name = "${var.project}-instance"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ec2.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

# SSM Session Manager and Run Command (how remote and release reach the server). It also allows
# ssm:GetParameter(s) on every parameter in the account: the NoOtherParameters statement below
# takes that back.
resource "aws_iam_role_policy_attachment" "ssm_core" {
  role       = aws_iam_role.instance.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

locals {
  app_parameter_arns      = ["${local.parameter_arn}${local.app_parameters}", "${local.parameter_arn}${local.app_parameters}/*"]
  handover_parameter_arns = ["${local.parameter_arn}${local.handover_parameters}/*"]
  ses_sender              = var.ses_sender != "" ? var.ses_sender : "noreply@${var.domain}"
}

resource "aws_iam_role_policy" "instance" {
  name = "${var.project}-instance"
  role = aws_iam_role.instance.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "EcrLogin"
        Effect   = "Allow"
        Action   = ["ecr:GetAuthorizationToken"]
        Resource = "*" # AWS offers no narrower resource for this action
      },
      {
        Sid      = "EcrPull"
        Effect   = "Allow"
        Action   = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
        Resource = local.ecr_repository_arn
      },
      {
        Sid      = "DeployBucketList"
        Effect   = "Allow"
        Action   = ["s3:ListBucket"]
        Resource = local.deploy_bucket_arn
      },
      {
        Sid      = "DeployBucketRead"
        Effect   = "Allow"
        Action   = ["s3:GetObject"]
        Resource = ["${local.deploy_bucket_arn}/web/*", "${local.deploy_bucket_arn}/config/*"]
      },
      {
        Sid      = "AppParameters"
        Effect   = "Allow"
        Action   = ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"]
        Resource = local.app_parameter_arns
      },
      {
        # remote create-user leaves a short-lived SecureString here; the server reads it once and deletes it.
        Sid      = "HandoverParameters"
        Effect   = "Allow"
        Action   = ["ssm:GetParameter", "ssm:DeleteParameter"]
        Resource = local.handover_parameter_arns
      },
      {
        # Every other parameter, whatever AmazonSSMManagedInstanceCore allows: without this, the
        # server (and, with hop limit 2, any container on it) reads every SecureString in the
        # account that uses the AWS-managed aws/ssm key, whose key policy admits every principal
        # of the account through SSM.
        Sid         = "NoOtherParameters"
        Effect      = "Deny"
        Action      = ["ssm:GetParameter", "ssm:GetParameterHistory", "ssm:GetParameters", "ssm:GetParametersByPath"]
        NotResource = concat(local.app_parameter_arns, local.handover_parameter_arns)
      },
      # kms:Decrypt of the parameters' key is granted by the key's own policy, to this role by name
      # (aws_kms_key.parameters below): no IAM statement is needed, or wanted, for it.
      {
        # identity/*, not only the domain: in the SES sandbox, SES also checks the permission
        # against each (verified) recipient's identity. The From address is what is narrowed.
        Sid      = "SendEmail"
        Effect   = "Allow"
        Action   = ["ses:SendEmail", "ses:SendRawEmail"]
        Resource = "arn:${local.partition}:ses:${var.aws_region}:${local.account_id}:identity/*"
        Condition = {
          StringEquals = { "ses:FromAddress" = local.ses_sender }
        }
      },
      {
        Sid      = "CloudWatchAgentMetrics"
        Effect   = "Allow"
        Action   = ["cloudwatch:PutMetricData"]
        Resource = "*" # PutMetricData has no resource type; the namespace condition narrows it
        Condition = {
          StringEquals = { "cloudwatch:namespace" = "CWAgent" }
        }
      },
      {
        Sid      = "CloudWatchAgentDescribe"
        Effect   = "Allow"
        Action   = ["ec2:DescribeTags", "ec2:DescribeVolumes"]
        Resource = "*" # Describe* actions have no resource-level permissions
      },
      {
        # The agent ships container logs; the SSM agent ships Run Command output and sessions.
        # Retention is Terraform's (monitoring.tf): no logs:PutRetentionPolicy here.
        Sid      = "WriteLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"]
        Resource = [local.log_group_arn, "${local.log_group_arn}:*", local.ssm_log_group_arn, "${local.ssm_log_group_arn}:*"]
      },
      {
        # Session Manager checks that its log group exists before it starts a logged session.
        Sid      = "FindSessionLogGroup"
        Effect   = "Allow"
        Action   = ["logs:DescribeLogGroups"]
        Resource = "arn:${local.partition}:logs:${var.aws_region}:${local.account_id}:log-group:*"
      },
    ]
  })
}

# --- the parameters' key -------------------------------------------------------------------

locals {
  # Spelled out, not aws_iam_role.instance.arn: known at plan time, so the plan shows (and the
  # policy tests check) the whole key policy.
  instance_role_arn = "arn:${local.partition}:iam::${local.account_id}:role/${var.project}-instance"
  # SSM encrypts each SecureString with its own ARN as the encryption context.
  parameter_context = ["${local.parameter_arn}${local.app_parameters}/*", "${local.parameter_arn}${local.handover_parameters}/*"]
}

# The app's SecureStrings (/monet/app/*) and remote's one-time ones (/monet/tmp/*) use this key
# (`--key-id alias/monet-parameters`). Only the instance role may decrypt with it, only through
# SSM and only for those parameters; the account (its administrators, through IAM) may manage it
# and encrypt with it through SSM, but not decrypt.
resource "aws_kms_key" "parameters" {
  description             = "${var.project}: SecureString parameters below ${local.app_parameters}/ and ${local.handover_parameters}/"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  # KMS refuses a policy that names a role that does not exist yet.
  depends_on = [aws_iam_role.instance]
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountManagesTheKey"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        # No kms:CreateGrant and no kms:Decrypt: a grant would hand out decryption around this policy.
        Action = [
          "kms:CancelKeyDeletion", "kms:CreateAlias", "kms:DeleteAlias", "kms:DescribeKey", "kms:DisableKey",
          "kms:DisableKeyRotation", "kms:EnableKey", "kms:EnableKeyRotation", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus",
          "kms:ListAliases", "kms:ListGrants", "kms:ListKeyPolicies", "kms:ListResourceTags", "kms:PutKeyPolicy",
          "kms:RevokeGrant", "kms:ScheduleKeyDeletion", "kms:TagResource", "kms:UntagResource", "kms:UpdateAlias",
          "kms:UpdateKeyDescription",
        ]
        Resource = "*"
      },
      {
        Sid       = "AccountWritesParameters"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action    = ["kms:Encrypt", "kms:GenerateDataKey"]
        Resource  = "*"
        Condition = {
          StringEquals = { "kms:ViaService" = "ssm.${var.aws_region}.amazonaws.com" }
        }
      },
      {
        Sid       = "OnlyTheServerDecrypts"
        Effect    = "Allow"
        Principal = { AWS = local.instance_role_arn }
        Action    = ["kms:Decrypt"]
        Resource  = "*"
        Condition = {
          StringEquals = { "kms:ViaService" = "ssm.${var.aws_region}.amazonaws.com" }
          StringLike   = { "kms:EncryptionContext:PARAMETER_ARN" = local.parameter_context }
        }
      },
    ]
  })
}

resource "aws_kms_alias" "parameters" {
  name          = "alias/${var.project}-parameters"
  target_key_id = aws_kms_key.parameters.key_id
}

resource "aws_iam_instance_profile" "instance" {
  name = "${var.project}-instance"
  role = aws_iam_role.instance.name
}

# --- the instance and its data --------------------------------------------------------------

# The data volume lives apart from the instance: replacing the instance keeps it, and
# user_data.sh formats it only when it has no filesystem yet.
resource "aws_ebs_volume" "data" {
  availability_zone = aws_subnet.public.availability_zone
  size              = var.data_volume_size
  type              = "gp3"
  encrypted         = true

  tags = {
    Name   = "${var.project}-data"
    Backup = "true"
  }

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_instance" "app" {
  ami                    = local.ami_id
  instance_type          = var.instance_type
  subnet_id              = aws_subnet.public.id
  vpc_security_group_ids = [aws_security_group.app.id]
  iam_instance_profile   = aws_iam_instance_profile.instance.name
  key_name               = var.ssh_key_name != "" ? var.ssh_key_name : null
  monitoring             = false
  # Gzipped: EC2 takes at most 16 KB of user data, and cloud-init unpacks it before running it.
  user_data_base64 = base64gzip(file("${path.module}/user_data.sh"))

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required" # IMDSv2 only
    http_put_response_hop_limit = 2          # containers on the host may need the role
    instance_metadata_tags      = "enabled"  # user_data.sh reads its settings from the tags below
  }

  root_block_device {
    volume_type           = "gp3"
    volume_size           = 20
    encrypted             = true
    delete_on_termination = true
  }

  tags = {
    Name          = local.instance_name
    DataVolumeId  = aws_ebs_volume.data.id
    DeployBucket  = local.deploy_bucket
    AppLogGroup   = local.app_log_group
    SiteHost      = local.site_host
    AppParameters = "${local.app_parameters}/"
    EcrRegistry   = local.ecr_registry
    # The Compose plugin to install and its expected checksums ("x86_64=HASH aarch64=HASH").
    ComposeVersion = var.compose_version
    ComposeSha256  = join(" ", [for arch, hash in var.compose_sha256 : "${arch}=${hash}"])
  }

  lifecycle {
    # A newer Amazon Linux image must not replace the server by surprise.
    ignore_changes = [ami]
  }
}

# Never detached from a running server: replacing or destroying the instance terminates it,
# which shuts the OS down (unmounting cleanly) and releases the volume.
resource "aws_volume_attachment" "data" {
  device_name  = "/dev/sdf"
  volume_id    = aws_ebs_volume.data.id
  instance_id  = aws_instance.app.id
  skip_destroy = true
}

resource "aws_eip" "app" {
  domain = "vpc"

  tags = { Name = "${var.project}-ip" }
}

resource "aws_eip_association" "app" {
  allocation_id = aws_eip.app.id
  instance_id   = aws_instance.app.id
}

# --- deploy bucket --------------------------------------------------------------------------

# The release writes web/ (the built frontend, served by nginx from the host) and config/
# (docker-compose.prod.yml, nginx.conf); the instance reads both. Nothing here is public.
resource "aws_s3_bucket" "deploy" {
  bucket = local.deploy_bucket
}

resource "aws_s3_bucket_public_access_block" "deploy" {
  bucket                  = aws_s3_bucket.deploy.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "deploy" {
  bucket = aws_s3_bucket.deploy.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "deploy" {
  bucket = aws_s3_bucket.deploy.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_policy" "deploy" {
  bucket = aws_s3_bucket.deploy.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = [local.deploy_bucket_arn, "${local.deploy_bucket_arn}/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
  depends_on = [aws_s3_bucket_public_access_block.deploy]
}
