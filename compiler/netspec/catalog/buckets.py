"""Buckets that a workload or service reads or writes through the S3 gateway endpoint without the
spec listing them: AWS-owned buckets, and the account's own buckets that SageMaker names itself.

The S3 endpoint policy is pinned to listed buckets, so each of these becomes its own, exact
statement (never a wildcard). Read 2026-11-29.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

from . import AwsBucket

_READ_OBJECTS = ("s3:GetObject",)
_READ = ("s3:GetObject", "s3:ListBucket")
_READ_WRITE = ("s3:AbortMultipartUpload", "s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket",
               "s3:ListBucketMultipartUploads", "s3:ListMultipartUploadParts", "s3:PutObject")

AWS_BUCKETS: Mapping[str, AwsBucket] = MappingProxyType({b.key: b for b in (
    AwsBucket(
        "ecr-layers", "EcrImageLayers", "prod-{region}-starport-layer-bucket", _READ_OBJECTS, objects_only=True, owner="aws",
        summary="ECR image layers",
        # ECR User Guide, "Amazon ECR interface VPC endpoints (AWS PrivateLink)", section "Minimum
        # Amazon S3 bucket permissions for Amazon ECR": s3:GetObject on
        # arn:aws:s3:::prod-region-starport-layer-bucket/*.
        source="https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html"),
    AwsBucket(
        "jumpstart-cache", "JumpStartModels", "jumpstart-cache-prod-{region}", _READ, objects_only=False, owner="aws",
        summary="SageMaker JumpStart models",
        # SageMaker Developer Guide, JumpStart "Deploy a model" / security settings: "The Amazon VPC
        # endpoint for Amazon S3 must allow access to at least ... jumpstart-cache-prod-<region>/*".
        # AWS's example also grants Put on it, together with the customer's bucket; netspec only reads
        # (writing into an AWS-owned bucket is never needed).
        source="https://docs.aws.amazon.com/sagemaker/latest/dg/jumpstart-deploy.html"),
    AwsBucket(
        "sagemaker-default", "SageMakerDefaultBucket", "sagemaker-{region}-{account}", _READ_WRITE, objects_only=False, owner="account",
        summary="the account's SageMaker default bucket",
        # SageMaker Developer Guide, Canvas "Upload data": "SageMaker creates an Amazon S3 bucket with a
        # name that uses the following pattern: sagemaker-{Region}-{account-ID}". Owned by the deploying
        # account, so the resource perimeter applies to it like any listed bucket.
        source="https://docs.aws.amazon.com/sagemaker/latest/dg/canvas-set-up-local-upload.html"),
)})
