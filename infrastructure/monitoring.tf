# Alarms go to var.alert_email through SNS (the subscription must be confirmed from the mail);
# the logs of the app and of what operators ran on the server.

resource "aws_sns_topic" "alerts" {
  name = "${var.project}-alerts"
}

resource "aws_sns_topic_subscription" "alerts_email" {
  topic_arn = aws_sns_topic.alerts.arn
  protocol  = "email"
  endpoint  = var.alert_email
}

# Container logs shipped by the CloudWatch agent (see user_data.sh).
resource "aws_cloudwatch_log_group" "app" {
  name              = local.app_log_group
  retention_in_days = 30
}

# What operators ran: Run Command output (remote and release send it here) and Session Manager
# sessions (the SSM-SessionManagerRunShell preferences below).
resource "aws_cloudwatch_log_group" "ssm" {
  name              = local.ssm_log_group
  retention_in_days = var.audit_log_retention_days
}

# Session Manager's account preferences for this region: every session's input and output are
# streamed to the log group. An account that has set preferences in the console already has this
# document: import it first (terraform import aws_ssm_document.session_preferences SSM-SessionManagerRunShell).
resource "aws_ssm_document" "session_preferences" {
  name            = "SSM-SessionManagerRunShell"
  document_type   = "Session"
  document_format = "JSON"
  content = jsonencode({
    schemaVersion = "1.0"
    description   = "Session Manager preferences: sessions are logged to ${local.ssm_log_group}"
    sessionType   = "Standard_Stream"
    inputs = {
      cloudWatchLogGroupName = aws_cloudwatch_log_group.ssm.name
      # true would need a KMS key on the log group; CloudWatch Logs encrypts at rest anyway.
      cloudWatchEncryptionEnabled = false
      cloudWatchStreamingEnabled  = true
      s3BucketName                = ""
      s3KeyPrefix                 = ""
      s3EncryptionEnabled         = true
      kmsKeyId                    = ""
      runAsEnabled                = false
      runAsDefaultUser            = ""
      idleSessionTimeout          = "20"
      maxSessionDuration          = ""
      shellProfile                = { linux = "", windows = "" }
    }
  })
}

resource "aws_cloudwatch_metric_alarm" "status_check" {
  alarm_name          = "${var.project}-status-check-failed"
  alarm_description   = "The instance or its host fails EC2 status checks: recovered automatically."
  namespace           = "AWS/EC2"
  metric_name         = "StatusCheckFailed_System"
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 2
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  dimensions          = { InstanceId = aws_instance.app.id }
  alarm_actions       = [aws_sns_topic.alerts.arn, "arn:${local.partition}:automate:${var.aws_region}:ec2:recover"]
  ok_actions          = [aws_sns_topic.alerts.arn]
}

resource "aws_cloudwatch_metric_alarm" "instance_check" {
  alarm_name          = "${var.project}-instance-check-failed"
  alarm_description   = "The instance fails its own status check (out of memory, kernel, disk)."
  namespace           = "AWS/EC2"
  metric_name         = "StatusCheckFailed_Instance"
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 3
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  dimensions          = { InstanceId = aws_instance.app.id }
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]
}

resource "aws_cloudwatch_metric_alarm" "cpu_high" {
  alarm_name          = "${var.project}-cpu-high"
  alarm_description   = "CPU above 80% for 15 minutes."
  namespace           = "AWS/EC2"
  metric_name         = "CPUUtilization"
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 3
  threshold           = 80
  comparison_operator = "GreaterThanThreshold"
  dimensions          = { InstanceId = aws_instance.app.id }
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]
}

# The next two come from the CloudWatch agent (namespace CWAgent, configured in user_data.sh).
resource "aws_cloudwatch_metric_alarm" "memory_high" {
  alarm_name          = "${var.project}-memory-high"
  alarm_description   = "Memory use above 90% for 10 minutes (t3.small has 2 GB)."
  namespace           = "CWAgent"
  metric_name         = "mem_used_percent"
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 2
  threshold           = 90
  comparison_operator = "GreaterThanThreshold"
  dimensions          = { InstanceId = aws_instance.app.id }
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]
  # No data means the agent (or the instance) stopped reporting: that is worth an alarm too.
  treat_missing_data = "breaching"
}

resource "aws_cloudwatch_metric_alarm" "data_disk_high" {
  alarm_name          = "${var.project}-data-disk-high"
  alarm_description   = "The data volume (/home/ec2-user/data) is more than 85% full."
  namespace           = "CWAgent"
  metric_name         = "disk_used_percent"
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 85
  comparison_operator = "GreaterThanThreshold"
  dimensions          = { InstanceId = aws_instance.app.id, path = "/home/ec2-user/data" }
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]
  # No data means the agent (or the instance) stopped reporting: that is worth an alarm too.
  treat_missing_data = "breaching"
}

resource "aws_cloudwatch_metric_alarm" "root_disk_high" {
  alarm_name          = "${var.project}-root-disk-high"
  alarm_description   = "The root volume is more than 85% full (old images: release cleanup prunes them)."
  namespace           = "CWAgent"
  metric_name         = "disk_used_percent"
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 85
  comparison_operator = "GreaterThanThreshold"
  dimensions          = { InstanceId = aws_instance.app.id, path = "/" }
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]
  # No data means the agent (or the instance) stopped reporting: that is worth an alarm too.
  treat_missing_data = "breaching"
}

# --- the site, from outside ---------------------------------------------------------------

# Route 53 asks both health endpoints over HTTPS from several regions every 30 s. They fail
# until the first `release deploy` starts the app: the alarms fire once after a first apply.
locals {
  health_paths = { api = "/api/version", ssr = "/ssr-health" }
  # Route 53's health-check metrics exist only in us-east-1, so their alarms (and the topic those
  # alarms notify) must be there.
  health_topic_arn = var.aws_region == "us-east-1" ? aws_sns_topic.alerts.arn : aws_sns_topic.health[0].arn
}

resource "aws_route53_health_check" "site" {
  for_each          = local.health_paths
  fqdn              = local.site_host
  type              = "HTTPS"
  port              = 443
  resource_path     = each.value
  request_interval  = 30
  failure_threshold = 3

  tags = { Name = "${var.project}-${each.key}" }
}

resource "aws_sns_topic" "health" {
  count    = var.aws_region == "us-east-1" ? 0 : 1
  provider = aws.us_east_1
  name     = "${var.project}-health-alerts"
}

resource "aws_sns_topic_subscription" "health_email" {
  count     = var.aws_region == "us-east-1" ? 0 : 1
  provider  = aws.us_east_1
  topic_arn = aws_sns_topic.health[0].arn
  protocol  = "email"
  endpoint  = var.alert_email
}

resource "aws_cloudwatch_metric_alarm" "site_down" {
  for_each            = local.health_paths
  provider            = aws.us_east_1
  alarm_name          = "${var.project}-${each.key}-down"
  alarm_description   = "https://${local.site_host}${each.value} does not answer 2xx/3xx to Route 53's health checkers."
  namespace           = "AWS/Route53"
  metric_name         = "HealthCheckStatus"
  statistic           = "Minimum"
  period              = 60
  evaluation_periods  = 2
  threshold           = 1
  comparison_operator = "LessThanThreshold"
  dimensions          = { HealthCheckId = aws_route53_health_check.site[each.key].id }
  alarm_actions       = [local.health_topic_arn]
  ok_actions          = [local.health_topic_arn]
  treat_missing_data  = "breaching"
}
