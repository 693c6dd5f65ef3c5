#!/bin/bash
# EC2 bootstrap of the Code Monet server (Amazon Linux 2023), run by cloud-init as root on the
# first boot and installed as `monet-bootstrap` for later runs: Docker and the Compose plugin, the
# CloudWatch agent, the data volume mounted by UUID at /home/ec2-user/data (formatted only when
# it has no filesystem: replacing the instance never wipes data, and Docker starts only once it is
# mounted), the app directory synced from the deploy bucket, and TLS certificates.
# Its settings come from the instance's tags (IMDSv2, instance_metadata_tags enabled):
# DataVolumeId, DeployBucket, AppLogGroup, SiteHost, AppParameters, EcrRegistry, ComposeVersion,
# ComposeSha256. Every step may run again: `monet-bootstrap bootstrap` (as root, e.g. through
# `./jbang remote shell`) repairs a server; cloud-init runs a changed user_data.sh only on a new one.
# Sourced (`source user_data.sh`, as the tests do) it only defines the functions and the paths
# below (which a test may then point elsewhere).
set -euo pipefail

APP_USER=ec2-user
APP_DIR=/home/ec2-user/app
DATA_DIR=/home/ec2-user/data
CERT_DIR=$DATA_DIR/certs
ACME_DIR=$DATA_DIR/acme
SELF=/usr/local/sbin/monet-bootstrap
FSTAB=/etc/fstab
UNIT_DIR=/etc/systemd/system
COMPOSE_PLUGINS=/usr/local/lib/docker/cli-plugins
CLOUDWATCH_AGENT=/opt/aws/amazon-cloudwatch-agent
# Where nginx takes HTTP (and Let's Encrypt's challenge) once the app runs.
HTTP_PORT=80
# Seconds before asking Let's Encrypt again (a new Elastic IP's DNS record takes a minute or so).
CERTBOT_WAIT=30

log() { printf 'monet-bootstrap: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# retry ATTEMPTS DELAY COMMAND...: runs COMMAND until it succeeds, at most ATTEMPTS times, waiting
# DELAY seconds after the first failure and twice as long after each next one (at most 60).
# At boot the network comes late: the instance is reachable only once its Elastic IP is
# associated, and there is no NAT.
retry() {
  local attempts=$1 delay=$2 attempt=1
  shift 2
  until "$@"; do
    if ((attempt >= attempts)); then
      log "gave up after $attempt attempts: $1"
      return 1
    fi
    log "attempt $attempt of $attempts failed: $1; again in ${delay}s"
    sleep "$delay"
    attempt=$((attempt + 1))
    delay=$((delay * 2 > 60 ? 60 : delay * 2))
  done
}

# imds PATH: one IMDSv2 metadata value.
imds() {
  local token
  token=$(curl -fsS --retry 3 --retry-connrefused -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' \
    http://169.254.169.254/latest/api/token)
  curl -fsS --retry 3 --retry-connrefused -H "X-aws-ec2-metadata-token: $token" "http://169.254.169.254/latest/$1"
}

instance_tag() { imds "meta-data/tags/instance/$1"; }

# wait_for_network SECONDS [INTERVAL]: waits until the instance has its public address (the
# Elastic IP, associated after launch): before that nothing on the internet answers, dnf and
# curl included. Asks IMDS every INTERVAL seconds (5).
wait_for_network() {
  local seconds=$1 interval=${2:-5} waited=0 address
  until address=$(imds meta-data/public-ipv4 2>/dev/null) && [[ -n "$address" ]]; do
    ((waited < seconds)) || die "no public address after ${seconds}s: is the Elastic IP associated?"
    log "no public address yet (the Elastic IP): asking again in ${interval}s"
    sleep "$interval"
    waited=$((waited + interval))
  done
  log "public address $address"
}

# install_self TARGET: installs this script as TARGET for later runs. Run as that copy
# (`monet-bootstrap bootstrap`) it is already there, and GNU install refuses to copy a file onto
# itself. A script that was not read from a file (`bash -c`, a pipe) has nothing to install.
install_self() {
  local target=$1 self
  self=$(readlink -f "$0")
  if [[ ! -f "$self" ]] || ! grep -q '^install_self()' "$self"; then
    log "not installing $target: $0 is not this script"
    return 0
  fi
  [[ "$self" == "$(readlink -f "$target")" ]] && return 0
  mkdir -p "$(dirname "$target")"
  install -m 755 "$self" "$target.new"
  mv -f "$target.new" "$target"
}

# compose_checksum ARCH SUMS: the expected SHA-256 of the Compose binary for ARCH, from SUMS
# ("x86_64=HASH aarch64=HASH", the tag ComposeSha256 that Terraform's compose_sha256 sets).
compose_checksum() {
  local arch=$1 pair
  for pair in $2; do
    if [[ "${pair%%=*}" == "$arch" ]]; then
      printf '%s\n' "${pair#*=}"
      return 0
    fi
  done
  return 1
}

# install_compose VERSION SUMS PLUGINS: the Compose plugin (Amazon Linux has no package for it),
# checked against the checksum pinned in Terraform, not one downloaded from the same place as the
# binary. Kept when the installed binary already matches.
install_compose() {
  local version=$1 sums=$2 plugins=$3 arch expected actual
  arch=$(uname -m)
  expected=$(compose_checksum "$arch" "$sums") || die "no Compose checksum for $arch in ComposeSha256 ($sums)"
  mkdir -p "$plugins"
  if [[ -f "$plugins/docker-compose" ]] && [[ "$(sha256sum "$plugins/docker-compose" | cut -d' ' -f1)" == "$expected" ]]; then
    log "docker-compose $version already installed"
    return 0
  fi
  retry 6 5 curl -fsSL -o "$plugins/docker-compose.download" \
    "https://github.com/docker/compose/releases/download/$version/docker-compose-linux-$arch"
  actual=$(sha256sum "$plugins/docker-compose.download" | cut -d' ' -f1)
  if [[ "$actual" != "$expected" ]]; then
    rm -f "$plugins/docker-compose.download"
    die "docker-compose $version for $arch has SHA-256 $actual, expected $expected: not installed"
  fi
  chmod 755 "$plugins/docker-compose.download"
  mv -f "$plugins/docker-compose.download" "$plugins/docker-compose"
}

install_packages() {
  retry 6 5 dnf install -y -q docker amazon-cloudwatch-agent openssl
  usermod -aG docker "$APP_USER"
  install_compose "$(instance_tag ComposeVersion)" "$(instance_tag ComposeSha256)" "$COMPOSE_PLUGINS"
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
# with nofail (a missing volume must not stop the boot: what needs it waits for it instead).
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

# docker_needs_data_volume MOUNTPOINT: Docker starts only once MOUNTPOINT is mounted.
# Docker restarts the containers itself at boot (restart: unless-stopped), so it is the service
# that runs compose: without this, a missing volume (nofail) would let the API start on the root
# volume with a fresh, empty database. With it, Docker stays down and says why
# (`systemctl status docker`: "Dependency failed"); SSM still reaches the server.
docker_needs_data_volume() {
  local mountpoint=$1
  mkdir -p "$UNIT_DIR/docker.service.d"
  cat >"$UNIT_DIR/docker.service.d/monet-data-volume.conf" <<UNIT
# Written by monet-bootstrap: the containers keep the database on the data volume.
[Unit]
RequiresMountsFor=$mountpoint
UNIT
}

configure_cloudwatch_agent() {
  local log_group=$1
  # No retention_in_days here: the log group's retention is Terraform's (monitoring.tf), and the
  # agent would need logs:PutRetentionPolicy to set it.
  cat >"$CLOUDWATCH_AGENT/etc/amazon-cloudwatch-agent.json" <<JSON
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
            "log_stream_name": "{instance_id}/containers" },
          { "file_path": "/var/log/cloud-init-output.log", "log_group_name": "$log_group",
            "log_stream_name": "{instance_id}/bootstrap" }
        ]
      }
    }
  }
}
JSON
  "$CLOUDWATCH_AGENT/bin/amazon-cloudwatch-agent-ctl" -a fetch-config -m ec2 -s \
    -c "file:$CLOUDWATCH_AGENT/etc/amazon-cloudwatch-agent.json"
}

# sync_app DEPLOY_BUCKET: the server files (config/) and the frontend (web/) from the deploy bucket,
# until the first release deploy; after it, the releases (site/releases/NAME, site/current) are
# the deploy's own and this leaves them alone (the compose file is then a link into the live one).
sync_app() {
  local bucket=$1
  if [[ -L "$APP_DIR/site/current" ]]; then
    return 0
  fi
  mkdir -p "$APP_DIR/web"
  retry 5 5 aws s3 sync --only-show-errors "s3://$bucket/config/" "$APP_DIR/"
  retry 5 5 aws s3 sync --only-show-errors --delete "s3://$bucket/web/" "$APP_DIR/web/"
  chown -R "$APP_USER:$APP_USER" "$APP_DIR"
}

# listening PORT: whether something accepts TCP connections on PORT here (nginx, once the first
# deploy has started it).
listening() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# certbot_mode PORT: how certbot answers Let's Encrypt's HTTP challenge. Before the first deploy
# nothing listens on PORT and certbot serves it itself (standalone); after it nginx serves the
# challenge files from ACME_DIR (webroot).
certbot_mode() {
  if listening "$1"; then
    echo webroot
  else
    echo standalone
  fi
}

# issue_certificate: the site's Let's Encrypt certificate into CERT_DIR (issued, renewed when
# due, else kept), then nginx reloads. `monet-bootstrap certificate`, from the timer and the bootstrap.
issue_certificate() {
  local host mode
  host=$(instance_tag SiteHost)
  mode=$(certbot_mode "$HTTP_PORT")
  local -a how=(--webroot -w /var/www/certbot)
  local -a publish=()
  if [[ "$mode" == standalone ]]; then
    how=(--standalone)
    publish=(-p "$HTTP_PORT:80")
  fi
  mkdir -p "$ACME_DIR" "$DATA_DIR/letsencrypt" "$CERT_DIR"
  log "certificate for $host ($mode)"
  # Explicit returns: the bootstrap calls this in an || list, where set -e does not stop a function.
  retry 4 "$CERTBOT_WAIT" docker run --rm "${publish[@]}" -v "$DATA_DIR/letsencrypt:/etc/letsencrypt" -v "$ACME_DIR:/var/www/certbot" \
    certbot/certbot certonly "${how[@]}" -d "$host" --non-interactive --agree-tos --register-unsafely-without-email \
    --keep-until-expiring || return 1
  install -m 600 "$DATA_DIR/letsencrypt/live/$host/privkey.pem" "$CERT_DIR/privkey.pem" || return 1
  install -m 644 "$DATA_DIR/letsencrypt/live/$host/fullchain.pem" "$CERT_DIR/fullchain.pem" || return 1
  docker exec nginx nginx -s reload 2>/dev/null || true
}

# ensure_certificate HOST: nginx needs a certificate to start: a self-signed placeholder until
# Let's Encrypt's is there; the timer renews it twice a day.
ensure_certificate() {
  local host=$1
  mkdir -p "$CERT_DIR" "$ACME_DIR"
  if [[ ! -s "$CERT_DIR/fullchain.pem" ]]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 7 -subj "/CN=$host" \
      -keyout "$CERT_DIR/privkey.pem" -out "$CERT_DIR/fullchain.pem" 2>/dev/null
    chmod 600 "$CERT_DIR/privkey.pem"
  fi
  cat >"$UNIT_DIR/monet-certificate.service" <<UNIT
[Unit]
Description=Issue or renew the site's TLS certificate
Requires=docker.service
After=docker.service network-online.target
[Service]
Type=oneshot
ExecStart=$SELF certificate
UNIT
  cat >"$UNIT_DIR/monet-certificate.timer" <<'UNIT'
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
    [[ -z "$name" ]] && continue
    name=${name##*/}
    [[ "$name" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || {
      rm -f "$tmp"
      die "parameter $name is not a valid variable name"
    }
    [[ "$name" == IMAGE_TAG || "$name" == ECR_REGISTRY ]] && continue
    printf '%s=%s\n' "$name" "$value" >>"$tmp"
  done
  mv "$tmp" "$file"
}

# write_app_env: the app's .env from its SecureString parameters (tag AppParameters, e.g.
# /monet/app/), read with the instance role; ECR_REGISTRY added when the deploy has not set it.
# The release's deploy sets IMAGE_TAG and starts the app: a new server serves nothing until then.
write_app_env() {
  local path registry parameters
  path=$(instance_tag AppParameters)
  registry=$(instance_tag EcrRegistry)
  mkdir -p "$APP_DIR"
  # Read whole before .env is touched: a failed read leaves the old .env as it was.
  parameters=$(retry 5 5 aws ssm get-parameters-by-path --path "$path" --recursive --with-decryption \
    --query 'Parameters[].[Name,Value]' --output text)
  merge_env_file "$APP_DIR/.env" <<<"$parameters"
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
  install_self "$SELF"
  wait_for_network 900
  install_packages
  device=$(find_data_device "$volume_id")
  mount_data_volume "$device" "$DATA_DIR" "$FSTAB" xfs
  chown "$APP_USER:$APP_USER" "$DATA_DIR"
  docker_needs_data_volume "$DATA_DIR"
  ensure_certificate "$host"
  systemctl daemon-reload
  systemctl enable --now docker monet-certificate.timer
  configure_cloudwatch_agent "$log_group"
  sync_app "$bucket"
  write_app_env
  issue_certificate || log "warning: no certificate from Let's Encrypt yet: nginx serves the placeholder until monet-certificate.timer gets one"
  log "done: the next release deploy starts the app"
}

main() {
  AWS_DEFAULT_REGION=$(imds meta-data/placement/region)
  export AWS_DEFAULT_REGION
  case "${1:-bootstrap}" in
    bootstrap) bootstrap ;;
    app-env) write_app_env ;;
    certificate) issue_certificate ;;
    *) die "usage: monet-bootstrap [bootstrap|app-env|certificate]" ;;
  esac
}

# Run only when executed (cloud-init, or monet-bootstrap), not when sourced.
if ! (return 0 2>/dev/null); then
  main "$@"
fi
