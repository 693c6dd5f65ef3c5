# The hosted zone for var.domain exists already (it carries other records); this adds the site.
data "aws_route53_zone" "main" {
  name         = var.domain
  private_zone = false
}

locals {
  site_host = "${var.subdomain}.${var.domain}"
}

resource "aws_route53_record" "site" {
  zone_id = data.aws_route53_zone.main.zone_id
  name    = local.site_host
  type    = "A"
  ttl     = 300
  records = [aws_eip.app.public_ip]
}
