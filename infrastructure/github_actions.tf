# The IAM user whose access key the release workflow uses (GitHub secrets AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY; `release github-secrets` sets them from the outputs). It may do what
# the release needs and nothing else: push the two images, write the deploy bucket's prefixes,
# run AWS-RunShellScript on the instance tagged Name=drawing-agent and read the results.

resource "aws_iam_user" "github_actions" {
  name = "${var.project}-github-actions"
}

resource "aws_iam_access_key" "github_actions" {
  user = aws_iam_user.github_actions.name
}

resource "aws_iam_user_policy" "github_actions" {
  name = "${var.project}-release"
  user = aws_iam_user.github_actions.name
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
