# How the release workflow reaches AWS, and what it may do there: push the two images, write
# the deploy bucket's prefixes, run AWS-RunShellScript on the instance tagged Name=drawing-agent
# and read the results. Nothing else.
#
# release_auth = "oidc" (recommended): an IAM role that GitHub Actions assumes with the run's OIDC
# token, only for tag pushes of var.github_repository (refs/tags/v*): no stored key, credentials
# that expire with the run. GitHub secret AWS_ROLE_ARN (`release github-secrets` sets it).
# release_auth = "user": the seed's IAM user and its access key (GitHub secrets AWS_ACCESS_KEY_ID
# and AWS_SECRET_ACCESS_KEY). "both" while switching from one to the other.

locals {
  release_user = contains(["user", "both"], var.release_auth)
  release_role = contains(["oidc", "both"], var.release_auth)
  github_oidc  = "token.actions.githubusercontent.com"

  release_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "EcrLogin"
        Effect   = "Allow"
        Action   = ["ecr:GetAuthorizationToken"]
        Resource = "*" # AWS offers no narrower resource for this action
      },
      {
        Sid    = "EcrPush"
        Effect = "Allow"
        Action = [
          "ecr:BatchCheckLayerAvailability",
          "ecr:BatchGetImage",
          "ecr:CompleteLayerUpload",
          "ecr:DescribeImages",
          "ecr:GetDownloadUrlForLayer",
          "ecr:InitiateLayerUpload",
          "ecr:PutImage",
          "ecr:UploadLayerPart",
        ]
        Resource = local.ecr_repository_arn
      },
      {
        Sid      = "DeployBucketList"
        Effect   = "Allow"
        Action   = ["s3:ListBucket"]
        Resource = local.deploy_bucket_arn
        Condition = {
          StringLike = { "s3:prefix" = ["web/*", "config/*", "web/", "config/"] }
        }
      },
      {
        Sid      = "DeployBucketWrite"
        Effect   = "Allow"
        Action   = ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"]
        Resource = ["${local.deploy_bucket_arn}/web/*", "${local.deploy_bucket_arn}/config/*"]
      },
      {
        Sid      = "RunShellScriptDocument"
        Effect   = "Allow"
        Action   = ["ssm:SendCommand"]
        Resource = "arn:${local.partition}:ssm:${var.aws_region}::document/AWS-RunShellScript"
      },
      {
        Sid      = "RunOnTheServerOnly"
        Effect   = "Allow"
        Action   = ["ssm:SendCommand"]
        Resource = "arn:${local.partition}:ec2:${var.aws_region}:${local.account_id}:instance/*"
        Condition = {
          StringEquals = { "ssm:resourceTag/Name" = local.instance_name }
        }
      },
      {
        Sid    = "ReadCommandResults"
        Effect = "Allow"
        Action = [
          "ec2:DescribeInstances",
          "ssm:GetCommandInvocation",
          "ssm:ListCommandInvocations",
          "ssm:ListCommands",
        ]
        Resource = "*" # these actions have no resource-level permissions
      },
    ]
  })
}

# --- the IAM user (release_auth = "user" or "both") ------------------------------------------

resource "aws_iam_user" "github_actions" {
  count = local.release_user ? 1 : 0
  name  = "${var.project}-github-actions"
}

resource "aws_iam_access_key" "github_actions" {
  count = local.release_user ? 1 : 0
  user  = aws_iam_user.github_actions[0].name
}

resource "aws_iam_user_policy" "github_actions" {
  count  = local.release_user ? 1 : 0
  name   = "${var.project}-release"
  user   = aws_iam_user.github_actions[0].name
  policy = local.release_policy
}

# --- the OIDC role (release_auth = "oidc" or "both") ------------------------------------------

resource "aws_iam_openid_connect_provider" "github" {
  count          = local.release_role && var.github_oidc_provider_arn == "" ? 1 : 0
  url            = "https://${local.github_oidc}"
  client_id_list = ["sts.amazonaws.com"]
  # No thumbprint_list: AWS trusts GitHub's certificate through its own root CAs for this issuer.
}

locals {
  # Spelled out, not the resource's arn: known at plan time, so the plan shows the whole trust policy.
  github_oidc_provider_arn = var.github_oidc_provider_arn != "" ? var.github_oidc_provider_arn : "arn:${local.partition}:iam::${local.account_id}:oidc-provider/${local.github_oidc}"
}

resource "aws_iam_role" "github_release" {
  count      = local.release_role ? 1 : 0
  name       = "${var.project}-github-release"
  depends_on = [aws_iam_openid_connect_provider.github]
  # A release takes minutes; the job's own limit is an hour.
  max_session_duration = 3600
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "TagPushesOfTheRepository"
      Effect    = "Allow"
      Principal = { Federated = local.github_oidc_provider_arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = { "${local.github_oidc}:aud" = "sts.amazonaws.com" }
        # The token's subject for a run on a tag: repo:OWNER/NAME:ref:refs/tags/TAG. Branches, pull
        # requests, environments and other repositories do not match.
        StringLike = { "${local.github_oidc}:sub" = "repo:${var.github_repository}:ref:refs/tags/v*" }
      }
    }]
  })
}

resource "aws_iam_role_policy" "github_release" {
  count  = local.release_role ? 1 : 0
  name   = "${var.project}-release"
  role   = aws_iam_role.github_release[0].name
  policy = local.release_policy
}
