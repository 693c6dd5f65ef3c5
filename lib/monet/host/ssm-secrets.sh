# shellcheck shell=sh
# monet_secret PARAMETER: prints the value of a one-time SecureString parameter (under
# /monet/tmp/, put there by the client for this command only) and deletes it, with the instance
# role, in MONET_REGION. The transport reads each secret variable with it just below.
monet_secret() {
  monet_value=$(aws ssm --region "$MONET_REGION" get-parameter --name "$1" --with-decryption \
    --query Parameter.Value --output text) || {
    echo "cannot read the secret parameter $1 (the instance role needs ssm:GetParameter on /monet/tmp/* and kms:Decrypt)" >&2
    return 1
  }
  aws ssm --region "$MONET_REGION" delete-parameter --name "$1" >/dev/null 2>&1 || echo "warning: could not delete $1" >&2
  printf '%s\n' "$monet_value"
}
