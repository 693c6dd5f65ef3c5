# The scripts read these (`terraform output -json`): keep the names stable.

output "public_ip" {
  description = "The server's Elastic IP."
  value       = aws_eip.app.public_ip
}

output "instance_id" {
  description = "The server's instance id (tag Name=drawing-agent)."
  value       = aws_instance.app.id
}

output "site_url" {
  description = "The public site."
  value       = "https://${local.site_host}"
}

output "api_url" {
  description = "The API, behind the same nginx (/api/version answers the running version)."
  value       = "https://${local.site_host}/api"
}

output "ssh_command" {
  description = "How to SSH to the server (needs ssh_key_name and ssh_cidr; SSM needs neither)."
  value       = var.ssh_key_name != "" && var.ssh_cidr != "" ? "ssh -i ~/.ssh/${var.ssh_key_name}.pem ec2-user@${aws_eip.app.public_ip}" : "SSH is closed (set ssh_key_name and ssh_cidr); use ./jbang remote shell"
}

output "deploy_bucket" {
  description = "S3 bucket the release syncs web/ and config/ to."
  value       = aws_s3_bucket.deploy.bucket
}

output "ecr_registry" {
  description = "The ECR registry host (ECR_REGISTRY in the server's .env)."
  value       = local.ecr_registry
}

output "ecr_repository_urls" {
  description = "Repository URL of each image: drawing-agent, web-ssr."
  value       = { for name, repository in aws_ecr_repository.app : name => repository.repository_url }
}

output "data_volume_id" {
  description = "The data volume (survives instance replacement; snapshotted daily)."
  value       = aws_ebs_volume.data.id
}

output "app_log_group" {
  description = "CloudWatch Logs group of the containers' logs (stream INSTANCE_ID/containers); remote's logs.group."
  value       = aws_cloudwatch_log_group.app.name
}

output "alerts_topic_arn" {
  description = "SNS topic of the alarms."
  value       = aws_sns_topic.alerts.arn
}

output "github_actions_role_arn" {
  description = "GitHub secret AWS_ROLE_ARN: the role the release workflow assumes through GitHub OIDC (null unless release_auth is oidc or both)."
  value       = one(aws_iam_role.github_release[*].arn)
}

output "github_actions_access_key_id" {
  description = "GitHub secret AWS_ACCESS_KEY_ID (null unless release_auth is user or both; `./jbang release github-secrets` sets it)."
  value       = one(aws_iam_access_key.github_actions[*].id)
}

output "github_actions_secret_access_key" {
  description = "GitHub secret AWS_SECRET_ACCESS_KEY (null unless release_auth is user or both; `./jbang release github-secrets` sets it)."
  value       = one(aws_iam_access_key.github_actions[*].secret)
  sensitive   = true
}

output "parameters_kms_key" {
  description = "The key for the app's SecureString parameters: aws ssm put-parameter --type SecureString --key-id THIS."
  value       = aws_kms_alias.parameters.name
}

output "ssm_log_group" {
  description = "CloudWatch log group of Run Command output and Session Manager sessions: what operators ran on the server."
  value       = aws_cloudwatch_log_group.ssm.name
}
