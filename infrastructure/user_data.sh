#!/bin/bash
# EC2 bootstrap of the Code Monet server (Amazon Linux 2023), run once by cloud-init as root:
# Docker and the Compose plugin, the CloudWatch agent, the data volume mounted by UUID at
# /home/ec2-user/data (formatted only when it has no filesystem: replacing the instance never
# wipes data), the app directory synced from the deploy bucket, and TLS certificates.
# Its settings come from the instance's tags (IMDSv2, instance_metadata_tags enabled):
# DataVolumeId, DeployBucket, AppLogGroup, SiteHost, AppParameters, EcrRegistry.
# Sourced (`source user_data.sh`, as the tests do) it only defines the functions.
set -euo pipefail

APP_USER=ec2-user
APP_DIR=/home/ec2-user/app
DATA_DIR=/home/ec2-user/data
CERT_DIR=$DATA_DIR/certs
ACME_DIR=$DATA_DIR/acme
COMPOSE_VERSION=v2.29.7

log() { printf 'monet-bootstrap: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# imds PATH: one IMDSv2 metadata value.
imds() {
  local token
  token=$(curl -fsS -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' http://169.254.169.254/latest/api/token)
  curl -fsS -H "X-aws-ec2-metadata-token: $token" "http://169.254.169.254/latest/$1"
}

instance_tag() { imds "meta-data/tags/instance/$1"; }

install_packages() {
  dnf install -y -q docker amazon-cloudwatch-agent openssl
  systemctl enable --now docker
  usermod -aG docker "$APP_USER"
  # Amazon Linux has no Compose plugin package: the release binary, checked against its checksum.
  local plugins=/usr/local/lib/docker/cli-plugins arch
  arch=$(uname -m)
  mkdir -p "$plugins"
  curl -fsSL -o "$plugins/docker-compose" \
    "https://github.com/docker/compose/releases/download/$COMPOSE_VERSION/docker-compose-linux-$arch"
  curl -fsSL -o /tmp/docker-compose.sha256 \
    "https://github.com/docker/compose/releases/download/$COMPOSE_VERSION/docker-compose-linux-$arch.sha256"
  (cd "$plugins" && sed 's/\*.*$/ docker-compose/' /tmp/docker-compose.sha256 | sha256sum -c --quiet -) ||
    die "docker-compose $COMPOSE_VERSION failed its checksum"
  chmod 755 "$plugins/docker-compose"
  docker compose version >&2
}

# find_data_device VOLUME_ID [SECONDS]: the block device of the attached EBS volume. On Nitro
# instances it is an NVMe device whose serial is the volume id; older ones show /dev/sdf.
# The attachment happens after boot, so wait for it.
find_data_device() {
  local volume_id=$1 seconds=${2:-600} candidate
  local by_id=/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_${volume_id//-/}
  for ((waited = 0; waited < seconds; waited += 5)); do
    for candidate in "$by_id" /dev/sdf /dev/xvdf; do
      if [[ -b "$candidate" ]]; then
        readlink -f "$candidate"
        return 0
      fi
    done
    sleep 5
  done
  die "data volume $volume_id is not attached after ${seconds}s"
}

# ensure_filesystem DEVICE FSTYPE: makes a filesystem on DEVICE only when it carries no
# signature at all (blkid exit code 2). A filesystem, a partition table or an unreadable
# device is never formatted.
ensure_filesystem() {
  local device=$1 fstype=$2 status=0
  # blkid also answers 2 for a device it cannot open: make sure it can be read first.
  if ! dd if="$device" of=/dev/null bs=4096 count=1 status=none 2>/dev/null; then
    die "cannot read $device: refusing to format it"
  fi
  blkid -p "$device" >/dev/null 2>&1 || status=$?
  case $status in
    0) log "$device already has a filesystem: keeping it" ;;
    2)
      log "$device is blank: creating $fstype"
      mkfs -t "$fstype" -q "$device" >&2
      ;;
    *) die "cannot probe $device (blkid exit $status): refusing to format it" ;;
  esac
}

# ensure_fstab_entry UUID MOUNTPOINT FSTYPE FSTAB: exactly one line mounts MOUNTPOINT, by UUID,
# with nofail (a missing volume must not stop the boot).
ensure_fstab_entry() {
  local uuid=$1 mountpoint=$2 fstype=$3 fstab=$4 line
  line="UUID=$uuid $mountpoint $fstype defaults,nofail 0 2"
  touch "$fstab"
  if grep -qxF "$line" "$fstab"; then
    return 0
  fi
  awk -v mp="$mountpoint" '$2 != mp' "$fstab" >"$fstab.new"
  printf '%s\n' "$line" >>"$fstab.new"
  cat "$fstab.new" >"$fstab"
  rm -f "$fstab.new"
}

# mount_data_volume DEVICE MOUNTPOINT [FSTAB] [FSTYPE]: format if blank, record in fstab, mount.
mount_data_volume() {
  local device=$1 mountpoint=$2 fstab=${3:-/etc/fstab} fstype=${4:-xfs} uuid
  ensure_filesystem "$device" "$fstype"
  uuid=$(blkid -p -s UUID -o value "$device")
  [[ -n "$uuid" ]] || die "$device has no filesystem UUID"
  fstype=$(blkid -p -s TYPE -o value "$device")
  ensure_fstab_entry "$uuid" "$mountpoint" "$fstype" "$fstab"
  mkdir -p "$mountpoint"
  if ! mountpoint -q "$mountpoint"; then
    mount --fstab "$fstab" "$mountpoint"
  fi
  log "$device (UUID $uuid) mounted at $mountpoint"
}

configure_cloudwatch_agent() {
  local log_group=$1
  cat >/opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json <<JSON
{
  "agent": { "metrics_collection_interval": 60, "omit_hostname": true },
  "metrics": {
    "namespace": "CWAgent",
    "append_dimensions": { "InstanceId": "\${aws:InstanceId}" },
    "aggregation_dimensions": [["InstanceId"], ["InstanceId", "path"]],
    "metrics_collected": {
      "mem": { "measurement": ["mem_used_percent"] },
      "disk": { "measurement": ["used_percent"], "resources": ["/", "$DATA_DIR"], "drop_device": true }
    }
  },
  "logs": {
    "logs_collected": {
      "files": {
        "collect_list": [
          { "file_path": "/var/lib/docker/containers/*/*-json.log", "log_group_name": "$log_group",
            "log_stream_name": "{instance_id}/containers", "retention_in_days": 30 },
          { "file_path": "/var/log/cloud-init-output.log", "log_group_name": "$log_group",
            "log_stream_name": "{instance_id}/bootstrap" }
        ]
      }
    }
  }
}
JSON
  /opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s \
    -c file:/opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json
}

# sync_app DEPLOY_BUCKET: the server files (config/) and the frontend (web/) from the deploy bucket.
sync_app() {
  local bucket=$1
  mkdir -p "$APP_DIR/web"
  aws s3 sync --only-show-errors "s3://$bucket/config/" "$APP_DIR/"
  aws s3 sync --only-show-errors --delete "s3://$bucket/web/" "$APP_DIR/web/"
  chown -R "$APP_USER:$APP_USER" "$APP_DIR"
}

# ensure_certificate HOST: nginx needs a certificate to start; until Let's Encrypt has issued
# one (monet-certificate.timer, webroot through nginx's port 80), a self-signed placeholder.
ensure_certificate() {
  local host=$1
  mkdir -p "$CERT_DIR" "$ACME_DIR"
  if [[ ! -s "$CERT_DIR/fullchain.pem" ]]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 7 -subj "/CN=$host" \
      -keyout "$CERT_DIR/privkey.pem" -out "$CERT_DIR/fullchain.pem" 2>/dev/null
    chmod 600 "$CERT_DIR/privkey.pem"
  fi
  cat >/usr/local/bin/monet-certificate <<SCRIPT
#!/bin/bash
# Issues or renews the site's certificate (Let's Encrypt, webroot) and reloads nginx.
set -euo pipefail
docker run --rm -v "$DATA_DIR/letsencrypt:/etc/letsencrypt" -v "$ACME_DIR:/var/www/certbot" \\
  certbot/certbot certonly --webroot -w /var/www/certbot -d "$host" --non-interactive \\
  --agree-tos --register-unsafely-without-email --keep-until-expiring
install -m 600 "$DATA_DIR/letsencrypt/live/$host/privkey.pem" "$CERT_DIR/privkey.pem"
install -m 644 "$DATA_DIR/letsencrypt/live/$host/fullchain.pem" "$CERT_DIR/fullchain.pem"
docker exec nginx nginx -s reload || true
SCRIPT
  chmod 755 /usr/local/bin/monet-certificate
  cat >/etc/systemd/system/monet-certificate.service <<'UNIT'
[Unit]
Description=Issue or renew the site's TLS certificate
After=docker.service
[Service]
Type=oneshot
ExecStart=/usr/local/bin/monet-certificate
UNIT
  cat >/etc/systemd/system/monet-certificate.timer <<'UNIT'
[Unit]
Description=Issue or renew the site's TLS certificate twice a day
[Timer]
OnBootSec=5min
OnCalendar=*-*-* 03,15:00:00
RandomizedDelaySec=1h
Persistent=true
[Install]
WantedBy=timers.target
UNIT
  systemctl daemon-reload
  systemctl enable --now monet-certificate.timer
}

# merge_env_file FILE: rewrites FILE from the NAME<TAB>VALUE lines on stdin (the app's SSM
# parameters; NAME's last path segment becomes the variable), keeping the IMAGE_TAG and
# ECR_REGISTRY lines the release's deploy wrote. Atomic, mode 600.
merge_env_file() {
  local file=$1 tmp name value
  tmp=$(mktemp "$file.XXXXXX")
  chmod 600 "$tmp"
  if [[ -f "$file" ]]; then
    grep -E '^(IMAGE_TAG|ECR_REGISTRY)=' "$file" >>"$tmp" || true
  fi
  while IFS=$'\t' read -r name value; do
    name=${name##*/}
    [[ "$name" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || { rm -f "$tmp"; die "parameter $name is not a valid variable name"; }
    [[ "$name" == IMAGE_TAG || "$name" == ECR_REGISTRY ]] && continue
    printf '%s=%s\n' "$name" "$value" >>"$tmp"
  done
  mv "$tmp" "$file"
}

# write_app_env: the app's .env from its SecureString parameters (tag AppParameters, e.g.
# /monet/app/), read with the instance role; ECR_REGISTRY added when the deploy has not set it.
# The release's deploy sets IMAGE_TAG and starts the app: a new server serves nothing until then.
write_app_env() {
  local path registry
  path=$(instance_tag AppParameters)
  registry=$(instance_tag EcrRegistry)
  mkdir -p "$APP_DIR"
  aws ssm get-parameters-by-path --path "$path" --recursive --with-decryption \
    --query 'Parameters[].[Name,Value]' --output text | merge_env_file "$APP_DIR/.env"
  grep -q '^ECR_REGISTRY=' "$APP_DIR/.env" || printf 'ECR_REGISTRY=%s\n' "$registry" >>"$APP_DIR/.env"
  chown "$APP_USER:$APP_USER" "$APP_DIR/.env"
}

bootstrap() {
  local volume_id log_group bucket host device
  # Assigned one by one: a failed lookup stops the script (set -e), an argument would not.
  volume_id=$(instance_tag DataVolumeId)
  log_group=$(instance_tag AppLogGroup)
  bucket=$(instance_tag DeployBucket)
  host=$(instance_tag SiteHost)
  # Installed for later: `monet-bootstrap app-env` refreshes .env after a parameter changed.
  install -m 755 "$0" /usr/local/sbin/monet-bootstrap
  install_packages
  device=$(find_data_device "$volume_id")
  mount_data_volume "$device" "$DATA_DIR" /etc/fstab xfs
  chown "$APP_USER:$APP_USER" "$DATA_DIR"
  configure_cloudwatch_agent "$log_group"
  sync_app "$bucket"
  write_app_env
  ensure_certificate "$host"
  log "done: the next release deploy starts the app"
}

main() {
  AWS_DEFAULT_REGION=$(imds meta-data/placement/region)
  export AWS_DEFAULT_REGION
  case "${1:-bootstrap}" in
    bootstrap) bootstrap ;;
    app-env) write_app_env ;;
    *) die "usage: monet-bootstrap [bootstrap|app-env]" ;;
  esac
}

# Run only when executed (cloud-init, or monet-bootstrap), not when sourced.
if ! (return 0 2>/dev/null); then
  main "$@"
fi
