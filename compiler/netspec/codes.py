"""The registry of finding codes: one row per code, stable forever.

A code names one kind of problem. docs/rules.md is generated from this table
(`netspec rules --markdown`), and tests check every code here has a bad-case test.
Ranges: NS0xx reading YAML, NS1xx schema, NS2xx network semantics,
NS3xx compiled output, NS4xx configuration and suppressions, NS5xx audit of
compiled modules.
"""

from __future__ import annotations

from dataclasses import dataclass

from typing import Iterable

from .findings import MAX_EXCERPT_CHARS, ExitCode, Finding, Location, Severity, has_errors, tidy


@dataclass(frozen=True)
class Code:
    code: str
    title: str
    hint: str
    severity: Severity = Severity.ERROR

    def at(self, location: Location, message: str, *, hint: str | None = None,
           related: tuple[Location, ...] = (), excerpt: str = "") -> Finding:
        return Finding(location=location, code=self.code, message=tidy(message),
                       hint=tidy(self.hint if hint is None else hint),
                       severity=self.severity, related=related,
                       excerpt=excerpt if len(excerpt) <= MAX_EXCERPT_CHARS else "")


_W = Severity.WARNING

CODES: dict[str, Code] = {c.code: c for c in (
    # --- reading the file -------------------------------------------------
    Code("NS001", "YAML syntax error", "fix the YAML at the line and column shown (marked with ^)"),
    Code("NS002", "duplicate key", "each key may appear once in a mapping; remove or merge the repeats"),
    Code("NS003", "file is not readable UTF-8 text", "save the spec as UTF-8 text"),
    Code("NS004", "empty spec", "start from `netspec init NAME` or copy specs/ds-team.yaml"),
    Code("NS005", "more than one YAML document", "keep one spec per file; remove the `---` separators"),
    Code("NS006", "spec is not a mapping", "a spec is a mapping of keys such as `netspec: 1`, `name:`, `region:`"),
    Code("NS007", "spec file too large", "specs are short; split large files or remove generated content"),
    Code("NS008", "ambiguous YAML 1.1 scalar", "quote the value (e.g. \"no\", \"010\") or write it unambiguously (false, 10)"),
    Code("NS009", "unsupported YAML feature", "write plain mappings, lists and scalars; no anchors, aliases or tags"),
    Code("NS010", "nesting too deep", "a spec nests a few levels deep; remove the extra brackets or indentation"),
    Code("NS011", "value too long", "keys and values are short; shorten it, or check the file is the spec you meant"),
    Code("NS012", "value does not fit its tag", "remove the explicit tag (!!int, !!float, !!bool, ...) or write a value of that type"),
    Code("NS013", "more findings not shown", "fix the findings shown and run again; the summary counts every finding", _W),
    # --- schema -----------------------------------------------------------
    Code("NS101", "unknown key", "remove the key or fix its spelling; `netspec schema` lists every key"),
    Code("NS102", "missing required key", "add the key; `netspec schema` shows what it takes"),
    Code("NS103", "wrong type", "write a value of the expected type"),
    Code("NS104", "invalid value", "see `netspec schema` for the allowed values"),
    Code("NS105", "unsupported spec version", "set `netspec: 1`"),
    # --- network semantics ------------------------------------------------
    Code("NS201", "unknown region", "use an AWS region name such as us-east-1"),
    Code("NS202", "zone not in region", "zones are the region's name plus a letter (us-east-1a) or its zone IDs (use1-az1)"),
    Code("NS203", "duplicate zone", "list each Availability Zone once"),
    Code("NS204", "zone names and zone IDs mixed", "use either zone names (us-east-1a) or zone IDs (use1-az1) throughout"),
    Code("NS205", "service zones not in azs", "a service's `zones` must be zones listed in `azs`"),
    Code("NS210", "CIDR has host bits set", "use the network address of the block"),
    Code("NS211", "subnet outside the VPC block", "pick a subnet CIDR inside `cidr`"),
    Code("NS212", "subnets overlap", "give each zone its own, non-overlapping block"),
    Code("NS213", "subnets do not match azs", "`subnets` needs exactly one entry per zone listed in `azs`"),
    Code("NS214", "subnet too small", "use a larger subnet (smaller prefix length) or fewer interface endpoints"),
    Code("NS215", "subnet leaves little room for workloads", "consider a larger subnet", _W),
    Code("NS216", "subnet_prefix does not fit", "subnet_prefix must be longer than the VPC prefix and leave a slot for every zone"),
    Code("NS217", "subnets and subnet_prefix both given", "give explicit `subnets` or a `subnet_prefix`, not both"),
    Code("NS220", "unknown service", "`netspec services` lists the service catalog"),
    Code("NS221", "duplicate service", "list each service once"),
    Code("NS222", "service not available in this partition", "remove the service or deploy in a partition that offers it"),
    Code("NS223", "ecr.dkr without s3", "add `s3` to services: ECR image layers download through the S3 gateway endpoint"),
    Code("NS224", "unknown workload", "`netspec explain` and docs/spec.md list the workloads"),
    Code("NS225", "duplicate workload", "list each workload once"),
    Code("NS226", "no services and no workloads", "list what the network runs under `workloads:` or the endpoints it needs under `services:`"),
    Code("NS227", "invalid own service name", "your own endpoint service is named com.amazonaws.vpce.<region>.vpce-svc-<17 hex digits>"),
    Code("NS228", "own service in another region", "an interface endpoint reaches endpoint services of its own region only"),
    Code("NS229", "service options misused", "`private_dns` and `accepts_policy` are for your own services; their names may not be catalog names"),
    Code("NS230", "buckets without s3", "add `s3` to services, or remove `buckets`"),
    Code("NS231", "s3 without buckets", "list the buckets the S3 endpoint may reach under `buckets:`"),
    Code("NS232", "invalid bucket name", "S3 bucket names are 3-63 chars of a-z, 0-9, '.', '-', start and end with a letter or digit, and are not IP addresses"),
    Code("NS233", "duplicate bucket", "list each bucket once; use the widest access it needs"),
    Code("NS234", "bucket wildcard too broad", "keep at least 3 fixed characters before the trailing `*`"),
    Code("NS235", "legacy bucket name", "a legacy us-east-1 name works only with path-style requests; rename the bucket when you can", _W),
    Code("NS236", "writable wildcard bucket without an owner", "name the owner with `account:`, or list the buckets one by one"),
    Code("NS237", "wildcard bucket without an owner", "name the owner with `account:` so other accounts' buckets that match are not reached", _W),
    Code("NS241", "endpoint checks only the caller", "the service's actions lack aws:ResourceAccount/aws:ResourceOrgID: its endpoint cannot keep requests to resources inside the perimeter", _W),
    Code("NS240", "tag not allowed", "tag keys may not start with `aws:`; keys are at most 128 characters, values 256"),
    Code("NS250", "spec name used twice", "each spec needs its own `name`; it names out/<name>/"),
    Code("NS251", "VPC blocks overlap across specs", "give each network in a region its own block, or they can never be peered or joined by a transit gateway", _W),
    # --- address pools and accounts (decided across specs and netspec.toml) ----
    Code("NS260", "unknown address pool", "name a pool of netspec.toml ([pools.NAME]), or write a literal cidr"),
    Code("NS261", "address pool exhausted", "add a block to the pool in netspec.toml, or ask for a smaller size"),
    Code("NS262", "address pool of another region", "ask a pool of the network's own region"),
    Code("NS263", "block outside the region's pools", "write a block inside one of the region's pools, or ask one for a block: cidr: {pool: NAME, size: N}"),
    Code("NS264", "blocks overlap within a pool", "give each network of a pool its own addresses: ask the pool for a block (cidr: {pool: NAME, size: N}) instead of writing one"),
    Code("NS265", "pool block not decided", "compile with the repository's configuration: `netspec compile` and `netspec validate` read netspec.toml and netspec.lock"),
    Code("NS266", "explicit subnets with an IPAM block", "drop `subnets` (each zone gets its stable slot of the block IPAM allocates), or write a literal `cidr`"),
    Code("NS270", "state backend needs the account", "add `account: \"123456789012\"` to the spec, or an [[accounts]] default for its folder in netspec.toml"),
    # --- compiled output --------------------------------------------------
    Code("NS302", "generated module out of date", "run `netspec compile` and commit out/; `netspec compile --check --diff` shows what would change"),
    Code("NS303", "file not written by netspec", "move the file away, or rename it *_override.tf.json to keep it beside the module"),
    Code("NS304", "cannot read spec", "check the path and its permissions"),
    Code("NS305", "cannot write module", "check that the output folder is writable and the disk has room"),
    Code("NS306", "generated module without a spec", "run `netspec compile --prune` to remove it, or restore its spec"),
    Code("NS307", "module folder is a symbolic link", "replace the link with a folder: netspec writes OUT/<name>/ only as a real folder inside OUT"),
    Code("NS308", "terraform validate rejects a module", "compile the module again (`netspec compile`); if a module as netspec compiles it fails, that is a bug in netspec: please report it"),
    Code("NS309", "terraform validate warns about a module", "read terraform's warning; for a module netspec compiled, please report it", _W),
    Code("NS315", "terraform could not check the modules", "install terraform, and give it the hashicorp/aws provider: NETSPEC_TF_PLUGIN_DIR names a local mirror, else terraform's own configuration is used"),
    Code("NS310", "lock file unreadable", "keep netspec.lock as netspec writes it: `pool block network spec` on each line"),
    Code("NS311", "lock file entries conflict", "two branches allocated the same block: delete one of the lines (that network gets a new block, which replaces its VPC) and run `netspec compile`"),
    Code("NS312", "lock file out of date", "run `netspec compile` and commit netspec.lock"),
    Code("NS313", "lock entry outside its pool", "restore the pool's block in netspec.toml, or delete the line to give the network a new block (which replaces its VPC)"),
    Code("NS314", "runner configuration out of date", "run `netspec atlantis --write` and commit atlantis.yaml"),
    Code("NS301", "endpoint policy too long", "AWS limits endpoint policies to 20,480 characters; list fewer buckets or use a prefix wildcard"),
    # --- configuration (netspec.toml, [tool.netspec]) and suppressions ----
    Code("NS400", "configuration file unreadable", "save netspec.toml as UTF-8 text netspec may read"),
    Code("NS401", "configuration syntax error", "fix the TOML at the line and column shown"),
    Code("NS402", "unknown configuration key", "remove the key or fix its spelling; the README lists every key"),
    Code("NS403", "invalid configuration value", "see schemas/netspec-config.schema.json for the allowed values"),
    Code("NS404", "suppression expired", "fix the finding, or renew the suppression with a new `expires` date and reason", _W),
    Code("NS405", "invalid inline suppression",
         'write `# netspec: ignore CODE reason="why"` on the finding\'s line or the line above'),
    # --- audit of compiled modules and plans (netspec audit) --------------
    Code("NS500", "audit input unreadable", "pass out/<name>/ folders, *.tf.json or *.tf files, or `terraform show -json` output"),
    Code("NS501", "internet path: gateway", "remove the internet, NAT or egress-only gateway; the network reaches AWS only through VPC endpoints"),
    Code("NS502", "route to the internet", "remove the route; route tables hold only the local route and gateway-endpoint routes"),
    Code("NS503", "public IP address", "no public addresses: map_public_ip_on_launch and associate_public_ip_address false, no Elastic IPs, internal load balancers"),
    Code("NS504", "security group open to the internet", "allow traffic only from or to security groups and prefix lists, never 0.0.0.0/0 or ::/0"),
    Code("NS505", "default security group has rules or is unmanaged", "manage aws_default_security_group with no ingress and no egress"),
    Code("NS506", "endpoint without a policy", "give every endpoint that accepts a policy one that limits it"),
    Code("NS507", "policy allows anyone everything", "limit Principal \"*\" with a condition such as aws:PrincipalAccount, or limit Resource"),
    Code("NS508", "S3 endpoint policy too broad", "list S3 actions and bucket ARNs; never s3:* or a bare * resource"),
    Code("NS509", "S3 endpoint policy reaches unlisted buckets", "the S3 endpoint policy may name only the spec's buckets"),
    Code("NS510", "flow logs missing", "keep VPC flow logs on (the spec default)"),
    Code("NS511", "cannot evaluate", "write a literal (or a plain reference to a resource) where the audit must know the value; variables, functions and interpolations are not evaluated"),
    Code("NS512", "side door to another network", "remove it: peering, transit gateways, VPNs, Direct Connect, Client VPN, Resolver endpoints and rules, and VPC Lattice connect the VPC to networks the spec does not describe"),
    Code("NS513", "endpoint service outside the spec", "reach only the spec's services: add the service (or the custom service_name) to the spec and recompile"),
    Code("NS514", "principal outside the perimeter", "require aws:PrincipalAccount (or aws:PrincipalOrgID) with the perimeter's values on every Allow statement"),
    Code("NS515", "flow logs not recording all traffic", "set traffic_type to ALL"),
    Code("NS516", "flow logs kept too briefly", "keep the log group's retention_in_days at least the spec's flow_logs retention_days (default 365), or 0 to never expire"),
    Code("NS517", "spec of the module not found", "keep the spec in the specs/ folder beside out/ (or run from the folder holding specs/), or pass --spec"),
    Code("NS518", "spec changed since the module was compiled", "run `netspec compile` and commit out/, or pass --spec to audit against a given spec"),
    Code("NS519", "flow logs off by the spec", "flow_logs: false in the spec; turn them back on unless the team decided so", _W),
    Code("NS521", "resource outside the perimeter", "require aws:ResourceAccount or aws:ResourceOrgID (s3:ResourceAccount for a bucket's named owner) with the perimeter's values on every Allow statement"),
    Code("NS522", "provider not limited to the spec's account", "set the aws provider's allowed_account_ids to exactly the spec's account (netspec compile writes it)"),
    Code("NS520", "audited without a spec", "generated modules carry a header naming their spec; for a plan or a hand-written module, pass --spec", _W),
)}


# Problems of the machine, not of the spec: the run ends with exit code 2 (I/O error).
IO_ERROR_CODES = frozenset({"NS304", "NS305", "NS307", "NS315"})
# A configuration netspec cannot follow: the run ends with exit code 2 (usage error).
CONFIG_ERROR_CODES = frozenset({"NS400", "NS401", "NS402", "NS403"})

# Codes a suppression may accept: warnings, and the audit's policy checks (a deliberate
# exception, such as flow logs kept elsewhere). Every other error means the spec cannot
# compile as written, so accepting it would only hide why nothing was written.
SUPPRESSIBLE = frozenset(
    c.code for c in CODES.values()
    if (c.severity is Severity.WARNING and not c.code.startswith("NS4"))
    or (c.code.startswith("NS5") and c.code != "NS500"))


def code(code_id: str) -> Code:
    return CODES[code_id]


def exit_code(findings: Iterable[Finding], *, strict: bool = False) -> ExitCode:
    """What a run's findings mean for its exit code; suppressed findings count for nothing."""
    active = [f for f in findings if f.active]
    if any(f.code in IO_ERROR_CODES | CONFIG_ERROR_CODES for f in active):
        return ExitCode.USAGE
    if has_errors(active) or (strict and bool(active)):
        return ExitCode.FINDINGS
    return ExitCode.CLEAN
