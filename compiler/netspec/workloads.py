"""Workload profiles: what a SageMaker or Bedrock workload needs from a network with no internet.

A team lists `workloads: [studio, training]`; each profile expands, deterministically, into
the endpoint services, the AWS-owned S3 buckets and the security-group traffic that AWS
documents for it. Every item carries the reason and the AWS page it comes from, so that
`netspec explain` can say why each endpoint, bucket and rule exists.

What AWS documents only as "if you use X" is listed as a *suggestion*: shown by `explain`,
never added, because an endpoint that nobody uses still costs money and widens the network.
Profiles may build on others (`includes`): JumpStart runs training jobs and hosted models.

The pages below were read 2026-11-29 (current pages where stored copies existed, else the awsdocs
GitHub archive of May 2023 whose text the current pages keep).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

# --- the AWS pages the profiles follow ------------------------------------------------------
STUDIO_VPC = "https://docs.aws.amazon.com/sagemaker/latest/dg/studio-updated-and-internet-access.html"
STUDIO_ENDPOINT = "https://docs.aws.amazon.com/sagemaker/latest/dg/studio-interface-endpoint.html"
NOTEBOOK_ENDPOINT = "https://docs.aws.amazon.com/sagemaker/latest/dg/notebook-interface-endpoint.html"
NOTEBOOK_VPC = "https://docs.aws.amazon.com/sagemaker/latest/dg/appendix-notebook-and-internet-access.html"
SAGEMAKER_ENDPOINT = "https://docs.aws.amazon.com/sagemaker/latest/dg/interface-vpc-endpoint.html"
TRAINING_VPC = "https://docs.aws.amazon.com/sagemaker/latest/dg/train-vpc.html"
PROCESSING_VPC = "https://docs.aws.amazon.com/sagemaker/latest/dg/process-vpc.html"
HOSTING_VPC = "https://docs.aws.amazon.com/sagemaker/latest/dg/host-vpc.html"
PIPELINES_STEPS = "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_NetworkConfig.html"
FEATURE_STORE = "https://docs.aws.amazon.com/sagemaker/latest/dg/feature-store-storage-configurations-online-store.html"
FEATURE_STORE_OFFLINE = "https://docs.aws.amazon.com/sagemaker/latest/dg/feature-store-offline.html"
CANVAS_VPC = "https://docs.aws.amazon.com/sagemaker/latest/dg/canvas-vpc.html"
CANVAS_BUCKET = "https://docs.aws.amazon.com/sagemaker/latest/dg/canvas-set-up-local-upload.html"
JUMPSTART_VPC = "https://docs.aws.amazon.com/sagemaker/latest/dg/jumpstart-deploy.html"
BEDROCK_ENDPOINTS = "https://docs.aws.amazon.com/bedrock/latest/userguide/vpc-interface-endpoints.html"
PROJECTS_VPC = "https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-projects-templates-custom.html"


@dataclass(frozen=True)
class Need:
    """Why something is part of a network, and the page that says so."""

    why: str
    source: str


@dataclass(frozen=True)
class Profile:
    key: str
    summary: str
    source: str
    services: tuple[tuple[str, Need], ...] = ()  # catalog keys
    buckets: tuple[tuple[str, Need], ...] = ()  # AWS-owned bucket keys (catalog.AWS_BUCKETS)
    traffic: tuple[tuple[str, Need], ...] = ()  # security-group traffic keys (see TRAFFIC)
    includes: tuple[str, ...] = ()  # profiles this one builds on
    suggestions: tuple[tuple[str, Need], ...] = ()  # services shown by `explain`, never added


@dataclass(frozen=True)
class Traffic:
    """Traffic between members of the workload security group, as one ingress and one egress rule."""

    key: str
    protocol: str  # "tcp", or "-1" for every protocol
    ports: tuple[int, int] | None  # inclusive range; None with protocol "-1"
    what: str  # "All traffic", "TCP 2049 (NFS)": the start of the rules' descriptions
    purpose: str  # why, in a few words: the end of the rules' descriptions

    def description(self, direction: str) -> str:
        """The rule's description (shown in the console; a change updates the rule in place)."""
        preposition = "to" if direction == "egress" else "from"
        return f"{self.what} {preposition} members of the workload group ({self.purpose})"


# Within-group traffic kinds, widest first. A wider kind makes the narrower ones redundant (`covered_by`).
TRAFFIC: Mapping[str, Traffic] = MappingProxyType({t.key: t for t in (
    Traffic("all", "-1", None, "All traffic", "multi-instance training"),
    Traffic("jupyter", "tcp", (8192, 65535), "TCP 8192-65535", "Studio: Jupyter server to kernel gateway apps"),
    Traffic("nfs", "tcp", (2049, 2049), "TCP 2049 (NFS)", "Studio: apps to the domain's EFS volume"),
)})


def covered_by(narrow: Traffic, wide: Traffic) -> bool:
    """True when every packet `narrow` allows, `wide` allows too."""
    if wide.protocol == "-1":
        return True
    if narrow.protocol != wide.protocol or narrow.ports is None or wide.ports is None:
        return False
    return wide.ports[0] <= narrow.ports[0] and narrow.ports[1] <= wide.ports[1]


def _n(why: str, source: str) -> Need:
    return Need(why, source)


_SDK_TRAINING = ("the SageMaker Python SDK gets temporary credentials for remote training jobs; without it the "
                 "SDK reports an STS permission error")
_SDK_LOGS = ("the SageMaker Python SDK follows a remote training job's status in CloudWatch Logs; without it the "
             "job seems stuck at `Starting`")

PROFILES: Mapping[str, Profile] = MappingProxyType({p.key: p for p in (
    Profile(
        "studio", "a SageMaker Studio domain in VPC-only mode", STUDIO_VPC,
        services=(
            ("sagemaker.api", _n("Studio cannot run without an endpoint to the SageMaker API", STUDIO_VPC)),
            ("sagemaker.runtime", _n("required to run endpoint invocations from Studio", STUDIO_VPC)),
            ("sagemaker.studio", _n("the Studio UI is reached through the aws.sagemaker.<region>.studio endpoint "
                                    "with private DNS", STUDIO_ENDPOINT)),
            ("s3", _n("listed among the endpoints a VPC-only domain needs", STUDIO_VPC)),
            ("sts", _n(_SDK_TRAINING, STUDIO_VPC)),
            ("logs", _n(_SDK_LOGS, STUDIO_VPC)),
        ),
        traffic=(
            ("jupyter", _n("TCP traffic within the security group, at least ports 8192-65535, connects the "
                           "Jupyter server app and the kernel gateway apps", STUDIO_VPC)),
            ("nfs", _n("NFS over TCP 2049 between the domain and its Amazon EFS volume", STUDIO_VPC)),
        ),
        suggestions=(
            ("servicecatalog", _n("only for SageMaker Projects: add the `projects` workload", STUDIO_VPC)),
        ),
    ),
    Profile(
        "notebook-instances", "SageMaker notebook instances with direct internet access disabled", NOTEBOOK_ENDPOINT,
        services=(
            ("sagemaker.notebook", _n("the Jupyter UI of a notebook instance is reached through the "
                                      "aws.sagemaker.<region>.notebook endpoint with private DNS", NOTEBOOK_ENDPOINT)),
            ("sagemaker.api", _n("create the SageMaker API endpoint before the notebook one: presigned notebook "
                                 "URLs are requested through it", NOTEBOOK_ENDPOINT)),
        ),
        suggestions=(
            ("sagemaker.runtime", _n("a notebook instance without internet cannot train or host models unless the "
                                     "VPC has the endpoints they use: add `training` or `hosting`", NOTEBOOK_VPC)),
        ),
    ),
    Profile(
        "training", "SageMaker training jobs in the VPC", TRAINING_VPC,
        services=(
            ("s3", _n("training containers reach their data and write model artifacts through the S3 gateway "
                      "endpoint", TRAINING_VPC)),
        ),
        traffic=(
            ("all", _n("distributed training needs inbound connections between members of the same security group; "
                       "EFA instances need all traffic inbound and outbound within the group", TRAINING_VPC)),
        ),
        suggestions=(
            ("sts", _n("only if code inside the training container calls AWS STS", TRAINING_VPC)),
            ("ecr.api", _n("not needed for the job's own image (SageMaker pulls it); only for code in the container "
                           "that calls ECR", TRAINING_VPC)),
        ),
    ),
    Profile(
        "processing", "SageMaker processing jobs (including Clarify) in the VPC", PROCESSING_VPC,
        services=(
            ("s3", _n("processing containers read inputs and write outputs through the S3 gateway endpoint",
                      PROCESSING_VPC)),
        ),
        traffic=(
            ("all", _n("distributed processing needs inbound connections between members of the same security group",
                       PROCESSING_VPC)),
        ),
    ),
    Profile(
        "hosting", "SageMaker real-time and asynchronous inference endpoints in the VPC", HOSTING_VPC,
        services=(
            ("s3", _n("model containers load model artifacts (and asynchronous inference writes results) through "
                      "the S3 gateway endpoint", HOSTING_VPC)),
            ("sagemaker.runtime", _n("callers inside the VPC invoke hosted models (InvokeEndpoint, "
                                     "InvokeEndpointAsync) through the SageMaker Runtime endpoint",
                                     SAGEMAKER_ENDPOINT)),
        ),
        suggestions=(
            ("sns", _n("only if asynchronous inference notifications are published from inside the VPC (not "
                       "documented as needed)", HOSTING_VPC)),
        ),
    ),
    Profile(
        "pipelines", "SageMaker Pipelines whose steps run in the VPC", PIPELINES_STEPS,
        includes=("training", "processing"),
        services=(
            ("sagemaker.api", _n("pipelines are defined, started and followed through the SageMaker API",
                                 SAGEMAKER_ENDPOINT)),
        ),
    ),
    Profile(
        "projects", "SageMaker Projects (MLOps templates from Service Catalog)", STUDIO_VPC,
        services=(
            ("servicecatalog", _n("SageMaker Projects are provisioned through AWS Service Catalog", STUDIO_VPC)),
            ("sagemaker.api", _n("projects are created and listed through the SageMaker API", STUDIO_VPC)),
        ),
        suggestions=(
            ("git-codecommit", _n("only to clone the project's CodeCommit repositories from inside the VPC "
                                  "(not documented as needed)", PROJECTS_VPC)),
        ),
    ),
    Profile(
        "feature-store", "SageMaker Feature Store (online store reads and writes)", FEATURE_STORE,
        services=(
            ("sagemaker.featurestore-runtime", _n("all Feature Store runtime operations through "
                                                  "com.amazonaws.<region>.sagemaker.featurestore-runtime",
                                                  FEATURE_STORE)),
            ("sagemaker.api", _n("feature groups are created and described through the SageMaker API",
                                 SAGEMAKER_ENDPOINT)),
            ("s3", _n("the offline store is an S3 prefix in your bucket", FEATURE_STORE_OFFLINE)),
        ),
        suggestions=(
            ("glue", _n("only to read the offline store's Glue Data Catalog from inside the VPC", FEATURE_STORE_OFFLINE)),
            ("athena", _n("only to query the offline store with Athena from inside the VPC", FEATURE_STORE_OFFLINE)),
        ),
    ),
    Profile(
        "canvas", "SageMaker Canvas in a VPC-only domain", CANVAS_VPC,
        includes=("studio",),
        services=tuple((key, _n(why, CANVAS_VPC)) for key, why in (
            ("sagemaker.api", "Canvas calls the SageMaker API"),
            ("sagemaker.runtime", "Canvas gets predictions through SageMaker Runtime"),
            ("sagemaker.notebook", "listed for SageMaker in Canvas's endpoint table"),
            ("sts", "listed in Canvas's endpoint table (AWS STS)"),
            ("ecr.api", "listed in Canvas's endpoint table (Amazon ECR)"),
            ("ecr.dkr", "listed in Canvas's endpoint table (Amazon ECR)"),
            ("ec2", "listed in Canvas's endpoint table (Amazon EC2)"),
            ("s3", "Canvas imports data from S3 through the gateway endpoint"),
            ("athena", "listed in Canvas's endpoint table (Amazon Athena)"),
            ("redshift-data", "listed in Canvas's endpoint table (Amazon Redshift)"),
            ("secretsmanager", "listed in Canvas's endpoint table (AWS Secrets Manager)"),
            ("ssm", "listed in Canvas's endpoint table (AWS Systems Manager)"),
            ("monitoring", "listed in Canvas's endpoint table (Amazon CloudWatch)"),
            ("logs", "listed in Canvas's endpoint table (Amazon CloudWatch Logs)"),
            ("forecast", "listed in Canvas's endpoint table (Amazon Forecast)"),
            ("forecastquery", "listed in Canvas's endpoint table (Amazon Forecast)"),
        )),
        buckets=(
            ("sagemaker-default", _n("Canvas keeps uploads and model data in the sagemaker-<region>-<account> bucket "
                                     "it creates on first use", CANVAS_BUCKET)),
        ),
        traffic=(
            ("jupyter", _n("TCP traffic within the security group, at least ports 8192-65535, connects the Jupyter "
                           "server app and the kernel gateway apps", CANVAS_VPC)),
        ),
        suggestions=tuple((key, _n(why, CANVAS_VPC)) for key, why in (
            ("glue", "only for Canvas features that read the Glue Data Catalog"),
            ("bedrock-runtime", "only for Canvas's generative-AI features"),
            ("textract", "only for Canvas's document models"),
            ("comprehend", "only for Canvas's language models"),
            ("rekognition", "only for Canvas's image models"),
            ("kendra", "only for Canvas's document querying"),
            ("rds", "only to import data from Amazon RDS"),
            ("emr-serverless", "only for large data preparation with EMR Serverless"),
            ("application-autoscaling", "only for Canvas model deployments that scale"),
        )),
    ),
    Profile(
        "jumpstart", "SageMaker JumpStart models trained and deployed in the VPC", JUMPSTART_VPC,
        includes=("training", "hosting"),
        services=(
            ("s3", _n("JumpStart model artifacts and scripts are read through the S3 endpoint", JUMPSTART_VPC)),
        ),
        buckets=(
            ("jumpstart-cache", _n("the S3 endpoint must allow the jumpstart-cache-prod-<region> bucket that holds "
                                   "the models", JUMPSTART_VPC)),
        ),
    ),
    Profile(
        "bedrock", "Amazon Bedrock models and agents, privately", BEDROCK_ENDPOINTS,
        services=tuple((key, _n(why, BEDROCK_ENDPOINTS)) for key, why in (
            ("bedrock", "Amazon Bedrock control plane API actions"),
            ("bedrock-runtime", "Amazon Bedrock runtime API actions (InvokeModel, Converse, ...)"),
            ("bedrock-agent", "Amazon Bedrock Agents build-time API actions"),
            ("bedrock-agent-runtime", "Amazon Bedrock Agents runtime API actions"),
        )),
    ),
)})

