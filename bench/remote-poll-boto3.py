#!/usr/bin/env python3
"""The seed's way, for comparison: send the command, then check once a second until it ends.

usage: remote-poll-boto3.py INSTANCE_ID SCRIPT   (SSM endpoint from AWS_ENDPOINT_URL_SSM)
"""
import os, sys, time
import boto3

instance, script = sys.argv[1], sys.argv[2]
ssm = boto3.client("ssm", endpoint_url=os.environ.get("AWS_ENDPOINT_URL_SSM"))
command = ssm.send_command(InstanceIds=[instance], DocumentName="AWS-RunShellScript",
                           Parameters={"commands": [script]})["Command"]["CommandId"]
while True:
    time.sleep(1)
    try:
        result = ssm.get_command_invocation(CommandId=command, InstanceId=instance)
    except ssm.exceptions.InvocationDoesNotExist:
        continue
    if result["Status"] not in ("Pending", "InProgress", "Delayed"):
        sys.stdout.write(result["StandardOutputContent"])
        sys.exit(result["ResponseCode"] if result["Status"] in ("Success", "Failed") else 1)
