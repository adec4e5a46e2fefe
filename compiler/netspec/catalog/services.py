"""The service catalog, as data: one row per VPC endpoint service, with the AWS page of each fact.

Sources (read 2026-11-28/29; where AWS's current page could not be read, its awsdocs archive of
June 2023 was, and the row says so in its notes):
  - endpoint service names and which services integrate at all: PrivateLink Guide, "AWS services
    that integrate with AWS PrivateLink" (catalog.PRIVATELINK_SERVICES); China names from its China
    edition and from `aws ec2 describe-vpc-endpoint-services` output for cn-north-1/cn-northwest-1
    published in aws/aws-cdk PRs #16139 and #25333; GovCloud from the GovCloud (US) User Guide.
  - endpoint policy support and private DNS: each service's own "interface VPC endpoint" page
    (the `page` column), which has a "Create an endpoint policy" section where the service takes
    one; the 2021 VPC User Guide table "VPC endpoint policies: Yes/No" where the current page is
    silent.
  - resource keys: IAM User Guide, "AWS global condition context keys", aws:ResourceAccount and
    aws:ResourceOrgID: "always included in the request context for most service actions"; the
    exceptions it lists are EBS (all actions), some EC2 actions, EventBridge (all actions), some
    Route 53 actions and one WorkSpaces action.

Where a fact could not be confirmed, the row takes the safe side and says so in `unconfirmed`:
an endpoint policy is attached (a service that takes none would otherwise give full access), and
private DNS is turned on; the generated module then checks both against
`data.aws_vpc_endpoint_service` (VpcEndpointPolicySupported, PrivateDnsName) in a precondition, so
a wrong guess stops `terraform plan` with a clear message before anything is created.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

from . import EndpointType, Naming, Service

_G, _I = EndpointType.GATEWAY, EndpointType.INTERFACE


def _com(suffix: str, regions: frozenset[str] | None = None) -> Naming:
    return Naming("com.amazonaws.{region}." + suffix, regions)


def _cn(suffix: str) -> Naming:
    return Naming("cn.com.amazonaws.{region}." + suffix)


def _sagemaker(suffix: str) -> Naming:
    return Naming("aws.sagemaker.{region}." + suffix)


# Commercial Regions where CodeCommit exists.
# Source: CodeCommit User Guide, "Regions and Git connection endpoints"
# (docs.aws.amazon.com/codecommit/latest/userguide/regions.html), matching the CodeCommit
# rows of the AWS General Reference endpoint table; checked 2026-11-28.
_CODECOMMIT_REGIONS = frozenset(
    {
        "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "sa-east-1",
        "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1", "eu-south-1",
        "af-south-1", "il-central-1", "me-central-1", "me-south-1",
        "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1",
        "ap-southeast-2", "ap-southeast-3", "ap-south-1", "ap-south-2", "ap-east-1",
    }
)  # fmt: skip

# Regions where CodeArtifact exists (all commercial).
# Source: CodeArtifact User Guide, "Create the Amazon S3 gateway endpoint" (per-Region asset
# bucket table, docs.aws.amazon.com/codeartifact/latest/ug/create-s3-gateway-endpoint.html),
# matching the CodeArtifact rows of the AWS General Reference; checked 2026-11-28.
_CODEARTIFACT_REGIONS = frozenset(
    {
        "us-east-1", "us-east-2", "us-west-2",
        "eu-west-1", "eu-west-2", "eu-west-3", "eu-north-1", "eu-south-1", "eu-central-1",
        "ap-northeast-1", "ap-southeast-1", "ap-southeast-2", "ap-south-1",
    }
)  # fmt: skip


def _partitions(suffix: str, *, gov: bool = False, cn: str | None = None) -> dict[str, Naming]:
    """Commercial always; GovCloud and China only where a source confirmed the name."""
    naming = {"aws": _com(suffix)}
    if gov:
        naming["aws-us-gov"] = _com(suffix)
    if cn == "cn":
        naming["aws-cn"] = _cn(suffix)
    elif cn == "com":
        naming["aws-cn"] = _com(suffix)
    return naming


_DOCS = "https://docs.aws.amazon.com/"
# The 2021 VPC User Guide table "AWS services that integrate with AWS PrivateLink", whose "VPC
# endpoint policies" column (Yes/No) the current PrivateLink Guide dropped; the only source read
# for the policy support of the rows that cite it.
_VPC_2021 = ("https://github.com/awsdocs/amazon-vpc-user-guide/blob/5fe9589664a874470b7e03d39c4760144c7db94f/"
             "doc_source/integrated-services-vpce-list.md")
_ASSUMED_POLICY = "accepts_policy"  # the row's `unconfirmed` entries
_ASSUMED_DNS = "private_dns"


def _row(key: str, kind: EndpointType, summary: str, page: str, naming: dict[str, Naming], *,
         policy: bool = True, dns: bool = True, resource_keys: bool = True, unconfirmed: tuple[str, ...] = (),
         implies_buckets: tuple[str, ...] = ()) -> Service:
    return Service(key=key, endpoint_type=kind, accepts_policy=policy, private_dns=dns and kind is _I,
                   summary=summary, naming=tuple((p, naming[p]) for p in ("aws", "aws-cn", "aws-us-gov") if p in naming),
                   source=page if page.startswith("https://") else _DOCS + page, resource_keys=resource_keys, implies_buckets=implies_buckets,
                   unconfirmed=unconfirmed)


_UNKNOWN_POLICY = (_ASSUMED_POLICY,)
_UNKNOWN_DNS = (_ASSUMED_DNS,)
_UNKNOWN = (_ASSUMED_POLICY, _ASSUMED_DNS)

# columns: key, type, summary, the service's endpoint page, naming per partition, then the facts.
SERVICE_TABLE: tuple[Service, ...] = (
    # --- storage and data ---------------------------------------------------------------------
    _row("s3", _G, "Amazon S3 (gateway)", "vpc/latest/privatelink/vpc-endpoints-s3.html",
         {"aws": _com("s3"), "aws-us-gov": _com("s3"), "aws-cn": _com("s3")}),
    _row("dynamodb", _G, "Amazon DynamoDB (gateway)", "amazondynamodb/latest/developerguide/vpc-endpoints-dynamodb.html",
         {"aws": _com("dynamodb"), "aws-us-gov": _com("dynamodb"), "aws-cn": _com("dynamodb")}),
    _row("elasticfilesystem", _I, "Amazon EFS API (not the NFS data path)", "efs/latest/ug/efs-vpc-endpoints.html",
         _partitions("elasticfilesystem"), unconfirmed=_UNKNOWN_DNS),
    _row("glue", _I, "AWS Glue (Data Catalog, ETL)", "glue/latest/dg/vpc-interface-endpoints.html",
         _partitions("glue")),
    _row("athena", _I, "Amazon Athena", "athena/latest/ug/interface-vpc-endpoint.html", _partitions("athena")),
    _row("lakeformation", _I, "AWS Lake Formation", "vpc/latest/privatelink/aws-services-privatelink-support.html",
         _partitions("lakeformation"), unconfirmed=_UNKNOWN),
    _row("redshift", _I, "Amazon Redshift management API", "redshift/latest/mgmt/security-private-link.html",
         _partitions("redshift"), unconfirmed=_UNKNOWN_DNS),
    _row("redshift-data", _I, "Amazon Redshift Data API", "redshift/latest/mgmt/data-api-access.html",
         _partitions("redshift-data"), unconfirmed=_UNKNOWN_POLICY),
    _row("rds", _I, "Amazon RDS API", "AmazonRDS/latest/UserGuide/vpc-interface-endpoints.html",
         _partitions("rds"), unconfirmed=_UNKNOWN_DNS),
    _row("rds-data", _I, "Amazon RDS Data API", _VPC_2021,
         _partitions("rds-data"), unconfirmed=_UNKNOWN_DNS),
    _row("elasticmapreduce", _I, "Amazon EMR API", "emr/latest/ManagementGuide/interface-vpc-endpoint.html",
         _partitions("elasticmapreduce")),
    _row("emr-serverless", _I, "Amazon EMR Serverless", "vpc/latest/privatelink/aws-services-privatelink-support.html",
         _partitions("emr-serverless"), unconfirmed=_UNKNOWN),
    _row("kinesis-streams", _I, "Amazon Kinesis Data Streams", "streams/latest/dev/vpc.html",
         _partitions("kinesis-streams"), unconfirmed=_UNKNOWN_DNS),
    _row("kinesis-firehose", _I, "Amazon Data Firehose", "firehose/latest/dev/vpc.html",
         _partitions("kinesis-firehose"), unconfirmed=_UNKNOWN_DNS),
    _row("kafka", _I, "Amazon MSK control plane", "vpc/latest/privatelink/aws-services-privatelink-support.html",
         _partitions("kafka"), unconfirmed=_UNKNOWN),
    # --- SageMaker --------------------------------------------------------------------------------
    _row("sagemaker.api", _I, "SageMaker API", "sagemaker/latest/dg/interface-vpc-endpoint.html",
         {"aws": _com("sagemaker.api"), "aws-us-gov": _com("sagemaker.api"), "aws-cn": _cn("sagemaker.api")}),
    _row("sagemaker.runtime", _I, "SageMaker Runtime (model invocation)", "sagemaker/latest/dg/interface-vpc-endpoint.html",
         {"aws": _com("sagemaker.runtime"), "aws-us-gov": _com("sagemaker.runtime"),
          "aws-cn": _cn("sagemaker.runtime")}),
    _row("sagemaker.featurestore-runtime", _I, "SageMaker Feature Store runtime",
         "sagemaker/latest/dg/feature-store-storage-configurations-online-store.html",
         _partitions("sagemaker.featurestore-runtime"), unconfirmed=_UNKNOWN),
    _row("sagemaker.metrics", _I, "SageMaker Experiments and training metrics",
         "vpc/latest/privatelink/aws-services-privatelink-support.html",
         _partitions("sagemaker.metrics"), unconfirmed=_UNKNOWN),
    _row("sagemaker.notebook", _I, "SageMaker notebook instances (Jupyter UI)",
         "sagemaker/latest/dg/notebook-interface-endpoint.html",
         {"aws": _sagemaker("notebook"), "aws-cn": _sagemaker("notebook")}),
    _row("sagemaker.studio", _I, "SageMaker Studio (UI)", "sagemaker/latest/dg/studio-interface-endpoint.html",
         {"aws": _sagemaker("studio"), "aws-cn": _sagemaker("studio")}),
    _row("servicecatalog", _I, "AWS Service Catalog (SageMaker Projects)",
         "vpc/latest/privatelink/aws-services-privatelink-support.html",
         _partitions("servicecatalog"), unconfirmed=_UNKNOWN),
    # --- generative AI and AI services ---------------------------------------------------------
    _row("bedrock", _I, "Amazon Bedrock control plane", "bedrock/latest/userguide/vpc-interface-endpoints.html",
         _partitions("bedrock")),
    _row("bedrock-runtime", _I, "Amazon Bedrock runtime (InvokeModel, Converse)",
         "bedrock/latest/userguide/vpc-interface-endpoints.html", _partitions("bedrock-runtime")),
    _row("bedrock-agent", _I, "Amazon Bedrock Agents build-time", "bedrock/latest/userguide/vpc-interface-endpoints.html",
         _partitions("bedrock-agent")),
    _row("bedrock-agent-runtime", _I, "Amazon Bedrock Agents runtime (InvokeAgent, Retrieve)",
         "bedrock/latest/userguide/vpc-interface-endpoints.html", _partitions("bedrock-agent-runtime")),
    _row("comprehend", _I, "Amazon Comprehend", "comprehend/latest/dg/vpc-interface-endpoints.html",
         _partitions("comprehend"), unconfirmed=_UNKNOWN_DNS),
    _row("textract", _I, "Amazon Textract", "textract/latest/dg/vpc-interface-endpoints.html",
         _partitions("textract"), unconfirmed=_UNKNOWN_DNS),
    _row("translate", _I, "Amazon Translate", "translate/latest/dg/vpc-interface-endpoints.html",
         _partitions("translate"), unconfirmed=_UNKNOWN_DNS),
    _row("transcribe", _I, "Amazon Transcribe", "transcribe/latest/dg/vpc-interface-endpoints.html",
         _partitions("transcribe"), unconfirmed=_UNKNOWN_DNS),
    _row("rekognition", _I, "Amazon Rekognition", "rekognition/latest/dg/vpc.html",
         _partitions("rekognition"), unconfirmed=_UNKNOWN_DNS),
    _row("kendra", _I, "Amazon Kendra", "kendra/latest/dg/vpc-interface-endpoints.html",
         _partitions("kendra"), unconfirmed=_UNKNOWN_DNS),
    _row("forecast", _I, "Amazon Forecast", "sagemaker/latest/dg/canvas-vpc.html",
         _partitions("forecast"), unconfirmed=_UNKNOWN),
    _row("forecastquery", _I, "Amazon Forecast queries", "sagemaker/latest/dg/canvas-vpc.html",
         _partitions("forecastquery"), unconfirmed=_UNKNOWN),
    # --- identity, keys, secrets, configuration ------------------------------------------------
    _row("sts", _I, "AWS STS", _VPC_2021,
         {"aws": _com("sts"), "aws-us-gov": _com("sts"), "aws-cn": _cn("sts")}, unconfirmed=_UNKNOWN_DNS),
    _row("kms", _I, "AWS KMS", "kms/latest/developerguide/kms-vpc-endpoint.html",
         {"aws": _com("kms"), "aws-us-gov": _com("kms"), "aws-cn": _com("kms")}),
    _row("secretsmanager", _I, "Secrets Manager", "secretsmanager/latest/userguide/vpc-endpoint-overview.html",
         {"aws": _com("secretsmanager"), "aws-us-gov": _com("secretsmanager")}),
    _row("ssm", _I, "Systems Manager", "systems-manager/latest/userguide/setup-create-vpc.html",
         {"aws": _com("ssm"), "aws-us-gov": _com("ssm")}, unconfirmed=_UNKNOWN_DNS),
    _row("ssmmessages", _I, "Systems Manager Session Manager channel", "systems-manager/latest/userguide/setup-create-vpc.html",
         _partitions("ssmmessages"), unconfirmed=_UNKNOWN_DNS),
    _row("ec2messages", _I, "Systems Manager agent messages", "systems-manager/latest/userguide/setup-create-vpc.html",
         _partitions("ec2messages"), unconfirmed=_UNKNOWN_DNS),
    # --- monitoring and events --------------------------------------------------------------------
    _row("logs", _I, "CloudWatch Logs", "AmazonCloudWatch/latest/logs/cloudwatch-logs-and-interface-VPC.html",
         {"aws": _com("logs"), "aws-us-gov": _com("logs")}, unconfirmed=_UNKNOWN_DNS),
    _row("monitoring", _I, "CloudWatch metrics", "AmazonCloudWatch/latest/monitoring/cloudwatch-and-interface-VPC.html",
         {"aws": _com("monitoring"), "aws-us-gov": _com("monitoring"), "aws-cn": _cn("monitoring")}),
    _row("events", _I, "Amazon EventBridge", "eventbridge/latest/userguide/eb-related-service-vpc.html",
         _partitions("events"), resource_keys=False, unconfirmed=_UNKNOWN_DNS),
    _row("xray", _I, "AWS X-Ray", "vpc/latest/privatelink/aws-services-privatelink-support.html",
         _partitions("xray"), unconfirmed=_UNKNOWN),
    _row("synthetics", _I, "CloudWatch Synthetics", "AmazonCloudWatch/latest/monitoring/cloudwatch-and-interface-VPC.html",
         _partitions("synthetics"), unconfirmed=_UNKNOWN_DNS),
    # --- compute, containers, orchestration ---------------------------------------------------
    _row("ec2", _I, "Amazon EC2 API", "AWSEC2/latest/UserGuide/interface-vpc-endpoints.html",
         _partitions("ec2"), resource_keys=False, unconfirmed=_UNKNOWN_DNS),
    _row("ecr.api", _I, "Amazon ECR API", "AmazonECR/latest/userguide/vpc-endpoints.html",
         {"aws": _com("ecr.api"), "aws-us-gov": _com("ecr.api"), "aws-cn": _cn("ecr.api")}),
    _row("ecr.dkr", _I, "Amazon ECR Docker registry", "AmazonECR/latest/userguide/vpc-endpoints.html",
         {"aws": _com("ecr.dkr"), "aws-us-gov": _com("ecr.dkr"), "aws-cn": _cn("ecr.dkr")},
         implies_buckets=("ecr-layers",)),
    _row("ecs", _I, "Amazon ECS API", "AmazonECS/latest/developerguide/vpc-endpoints.html",
         _partitions("ecs"), unconfirmed=_UNKNOWN_DNS),
    _row("batch", _I, "AWS Batch", "batch/latest/userguide/vpc-interface-endpoints.html",
         _partitions("batch"), unconfirmed=_UNKNOWN_DNS),
    _row("lambda", _I, "AWS Lambda", "lambda/latest/dg/configuration-vpc-endpoints.html", _partitions("lambda")),
    _row("states", _I, "AWS Step Functions", "step-functions/latest/dg/vpc-endpoints.html", _partitions("states")),
    _row("sns", _I, "Amazon SNS", "sns/latest/dg/sns-vpc-endpoint-policy.html",
         _partitions("sns"), unconfirmed=_UNKNOWN_DNS),
    _row("sqs", _I, "Amazon SQS", "AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-internetwork-traffic-privacy.html",
         _partitions("sqs")),
    _row("autoscaling", _I, "Amazon EC2 Auto Scaling", "autoscaling/ec2/userguide/ec2-auto-scaling-vpc-endpoints.html",
         _partitions("autoscaling"), unconfirmed=_UNKNOWN_DNS),
    _row("application-autoscaling", _I, "Application Auto Scaling (e.g. SageMaker endpoint scaling)",
         _VPC_2021,
         _partitions("application-autoscaling"), unconfirmed=_UNKNOWN_DNS),
    _row("elasticloadbalancing", _I, "Elastic Load Balancing API", _VPC_2021,
         _partitions("elasticloadbalancing"), unconfirmed=_UNKNOWN_DNS),
    _row("execute-api", _I, "API Gateway private APIs (invoke)", "apigateway/latest/developerguide/apigateway-vpc-endpoint-policies.html",
         _partitions("execute-api"), unconfirmed=_UNKNOWN_DNS),
    _row("cloudformation", _I, "AWS CloudFormation", "AWSCloudFormation/latest/UserGuide/vpc-interface-endpoints.html",
         _partitions("cloudformation"), unconfirmed=_UNKNOWN_DNS),
    _row("airflow.api", _I, "Amazon MWAA API", "vpc/latest/privatelink/aws-services-privatelink-support.html",
         _partitions("airflow.api"), unconfirmed=_UNKNOWN),
    _row("airflow.env", _I, "Amazon MWAA environment", "vpc/latest/privatelink/aws-services-privatelink-support.html",
         _partitions("airflow.env"), unconfirmed=_UNKNOWN),
    # --- developer tools ------------------------------------------------------------------------
    _row("codecommit", _I, "CodeCommit API", "codecommit/latest/userguide/codecommit-and-interface-VPC.html",
         {"aws": _com("codecommit", _CODECOMMIT_REGIONS)}, unconfirmed=_UNKNOWN_DNS),
    _row("git-codecommit", _I, "CodeCommit Git (HTTPS/SSH)", "codecommit/latest/userguide/codecommit-and-interface-VPC.html",
         {"aws": _com("git-codecommit", _CODECOMMIT_REGIONS)}, unconfirmed=_UNKNOWN_DNS),
    _row("codeartifact.api", _I, "CodeArtifact API", "codeartifact/latest/ug/vpc-endpoints.html",
         {"aws": _com("codeartifact.api", _CODEARTIFACT_REGIONS)}),
    _row("codeartifact.repositories", _I, "CodeArtifact repositories (package managers)",
         "codeartifact/latest/ug/vpc-endpoints.html",
         {"aws": _com("codeartifact.repositories", _CODEARTIFACT_REGIONS)}),
    _row("codebuild", _I, "AWS CodeBuild", "codebuild/latest/userguide/use-vpc-endpoints-with-codebuild.html",
         _partitions("codebuild"), unconfirmed=_UNKNOWN_DNS),
    _row("codepipeline", _I, "AWS CodePipeline", "codepipeline/latest/userguide/vpc-support.html",
         _partitions("codepipeline"), unconfirmed=_UNKNOWN),
)

# Names people reach for that are not endpoint services, and the catalog keys they mean.
# Sources: CloudWatch ("the service name to choose is com.amazonaws.region.monitoring") and
# CloudWatch Logs interface-endpoint pages; ECR ("require both ...ecr.dkr and ...ecr.api ... as
# well as the Amazon S3 gateway endpoint"); SageMaker interface-endpoint page (API, Runtime,
# Feature Store); EFS, Step Functions, EMR, Kinesis, CodeCommit ("separate endpoints for Git
# operations and for CodeCommit API operations"), CodeArtifact and Systems Manager ("three
# required ... interface endpoints") pages; read 2026-11-29.
WRONG_NAMES: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "cloudwatch": ("monitoring", "logs"),
    "cloudwatch-logs": ("logs",),
    "cloudwatch-events": ("events",),
    "eventbridge": ("events",),
    "ecr": ("ecr.api", "ecr.dkr"),
    "docker": ("ecr.dkr",),
    "sagemaker": ("sagemaker.api", "sagemaker.runtime"),
    "sagemaker-runtime": ("sagemaker.runtime",),
    "sagemaker-api": ("sagemaker.api",),
    "featurestore": ("sagemaker.featurestore-runtime",),
    "feature-store": ("sagemaker.featurestore-runtime",),
    "featurestore-runtime": ("sagemaker.featurestore-runtime",),
    "notebook": ("sagemaker.notebook",),
    "studio": ("sagemaker.studio",),
    "efs": ("elasticfilesystem",),
    "stepfunctions": ("states",),
    "step-functions": ("states",),
    "emr": ("elasticmapreduce", "emr-serverless"),
    "kinesis": ("kinesis-streams", "kinesis-firehose"),
    "firehose": ("kinesis-firehose",),
    "session-manager": ("ssm", "ssmmessages", "ec2messages"),
    "secrets": ("secretsmanager",),
    "git": ("git-codecommit",),
    "codeartifact": ("codeartifact.api", "codeartifact.repositories"),
    "lake-formation": ("lakeformation",),
    "apigateway": ("execute-api",),
    "api-gateway": ("execute-api",),
    "elb": ("elasticloadbalancing",),
    "msk": ("kafka",),
    "airflow": ("airflow.api", "airflow.env"),
    "mwaa": ("airflow.api", "airflow.env"),
    "bedrock-agents": ("bedrock-agent", "bedrock-agent-runtime"),
})
