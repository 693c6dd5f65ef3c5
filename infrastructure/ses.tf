# SES sending for var.domain (magic-link mail from noreply@): domain verification, DKIM,
# a custom MAIL FROM domain with its SPF and MX records, and DMARC.

locals {
  mail_from_domain = "mail.${var.domain}"
}

resource "aws_ses_domain_identity" "main" {
  domain = var.domain
}

resource "aws_route53_record" "ses_verification" {
  zone_id = data.aws_route53_zone.main.zone_id
  name    = "_amazonses.${var.domain}"
  type    = "TXT"
  ttl     = 600
  records = [aws_ses_domain_identity.main.verification_token]
}

resource "aws_ses_domain_dkim" "main" {
  domain = aws_ses_domain_identity.main.domain
}

resource "aws_route53_record" "ses_dkim" {
  count   = 3
  zone_id = data.aws_route53_zone.main.zone_id
  name    = "${aws_ses_domain_dkim.main.dkim_tokens[count.index]}._domainkey.${var.domain}"
  type    = "CNAME"
  ttl     = 600
  records = ["${aws_ses_domain_dkim.main.dkim_tokens[count.index]}.dkim.amazonses.com"]
}

resource "aws_ses_domain_mail_from" "main" {
  domain                 = aws_ses_domain_identity.main.domain
  mail_from_domain       = local.mail_from_domain
  behavior_on_mx_failure = "UseDefaultValue"
}

resource "aws_route53_record" "ses_mail_from_mx" {
  zone_id = data.aws_route53_zone.main.zone_id
  name    = local.mail_from_domain
  type    = "MX"
  ttl     = 600
  records = ["10 feedback-smtp.${var.aws_region}.amazonses.com"]
}

# SPF on the domain itself (mail from noreply@ says it comes from there). Route 53 keeps one TXT
# record set per name, and a domain must publish exactly one SPF record (two are a permanent
# error for every receiver). So the apex TXT set is merged: what the zone has now, plus
# var.apex_txt_records, with every SPF record among them folded into one that also includes
# amazonses.com. allow_overwrite: Route 53's CREATE fails on a name that already has a TXT set.
data "aws_route53_records" "apex" {
  zone_id    = data.aws_route53_zone.main.zone_id
  name_regex = "^${replace(var.domain, ".", "\\.")}\\.?$"
}

locals {
  # Route 53 answers TXT values quoted, long ones as several quoted strings: "a" "b" means "ab".
  zone_apex_txt = flatten([
    for set in data.aws_route53_records.apex.resource_record_sets : [
      for record in set.resource_records : replace(replace(join("", [for part in regexall("\"((?:[^\"\\\\]|\\\\.)*)\"", record.value) : part[0]]), "\\\"", "\""), "\\\\", "\\")
    ] if set.type == "TXT" && lower(trimsuffix(set.name, ".")) == lower(var.domain)
  ])
  apex_txt       = distinct([for value in concat(local.zone_apex_txt, var.apex_txt_records) : trimspace(value)])
  apex_spf       = [for value in local.apex_txt : value if can(regex("(?i)^v=spf1(\\s|$)", value))]
  apex_other_txt = [for value in local.apex_txt : value if !can(regex("(?i)^v=spf1(\\s|$)", value))]
  # The terms after v=spf1 of every SPF record, in order, each once; one `all` (the first found) last.
  spf_terms = distinct(flatten([for value in local.apex_spf : [for i, term in regexall("\\S+", value) : term if i > 0]]))
  spf_all   = concat([for term in local.spf_terms : term if can(regex("(?i)^[-+~?]?all$", term))], ["~all"])[0]
  spf_mechanisms = concat(
    [for term in local.spf_terms : term if !can(regex("(?i)^[-+~?]?all$", term)) && lower(term) != "include:amazonses.com"],
    ["include:amazonses.com"],
  )
  apex_spf_record = join(" ", concat(["v=spf1"], local.spf_mechanisms, [local.spf_all]))
  # RFC 7208 4.6.4: more than 10 DNS-querying terms make SPF fail at every receiver.
  spf_lookups = length([for term in local.spf_mechanisms : term if can(regex("(?i)^[-+~?]?(include:|a$|a:|a/|mx$|mx:|mx/|ptr|exists:|redirect=)", term))])
}

resource "aws_route53_record" "spf" {
  zone_id         = data.aws_route53_zone.main.zone_id
  name            = var.domain
  type            = "TXT"
  ttl             = 600
  allow_overwrite = true
  # A string longer than 255 characters goes out as several (\"\" splits them; receivers join them).
  records = concat(local.apex_other_txt, [join("\"\"", regexall(".{1,255}", local.apex_spf_record))])

  lifecycle {
    precondition {
      condition     = local.spf_lookups <= 10
      error_message = "The merged SPF record (${local.apex_spf_record}) needs ${local.spf_lookups} DNS lookups; receivers fail SPF beyond 10. Drop includes from the zone's SPF or from apex_txt_records."
    }
  }
}

# SPF for the MAIL FROM domain: the envelope sender that SPF checks and DMARC aligns.
resource "aws_route53_record" "ses_mail_from_spf" {
  zone_id = data.aws_route53_zone.main.zone_id
  name    = local.mail_from_domain
  type    = "TXT"
  ttl     = 600
  records = ["v=spf1 include:amazonses.com ~all"]
}

# DMARC starts at p=none: receivers only report (to dmarc_report_email) while the domain's other
# senders are found; dmarc_policy = "quarantine" or "reject" once the reports are clean.
# allow_overwrite: a domain has one DMARC policy, and this is it (an existing record is replaced).
resource "aws_route53_record" "dmarc" {
  zone_id         = data.aws_route53_zone.main.zone_id
  name            = "_dmarc.${var.domain}"
  type            = "TXT"
  ttl             = 600
  allow_overwrite = true
  records         = ["v=DMARC1; p=${var.dmarc_policy}; rua=mailto:${var.dmarc_report_email != "" ? var.dmarc_report_email : var.alert_email}; adkim=r; aspf=r"]
}
