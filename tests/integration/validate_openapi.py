#!/usr/bin/python3
# validate_openapi.py — checks real answers of `tenure serve` against api/openapi.json.
#
# The integration tests record what the server answered (status, content type,
# body) and ask this script whether each answer is one the OpenAPI document
# describes: the route, method and status must be documented, and the body
# must validate against the schema of its media type (JSON Schema 2020-12,
# $refs resolved against the whole document, formats such as "date" checked).
# So the document cannot drift from the server without a test failing.
#
#   validate_openapi.py OPENAPI_JSON CASES_FILE
#       CASES_FILE has one case per line (blank lines and # comments are
#       skipped):  METHOD PATH_TEMPLATE STATUS CONTENT_TYPE BODY_FILE
#       e.g.       POST /predictions/churn 200 application/json /tmp/x/body.json
#       The content type may carry parameters ("text/plain; version=0.0.4"),
#       which are ignored; the body file's name must not hold spaces. A
#       text/* body (metrics, the dashboard's page and files) only has to be
#       non-empty text. A 405 to a method the
#       route does not take (DELETE /health) is checked against the 405 the
#       route's operations document. Prints "ok: ..." or
#       "FAIL: METHOD PATH STATUS: <error> at <JSON path>" per case and exits
#       1 when any case failed.
#
#   validate_openapi.py OPENAPI_JSON --check-document
#       Checks the document itself: openapi is "3.1.0", every $ref resolves,
#       every operation has responses, every path template's parameters are
#       declared, every schema (under components/schemas and inline) is a valid
#       Draft 2020-12 schema, and every example validates against its schema.
#       Exits 1 when anything is wrong.
#
# Needs only the standard library and python3-jsonschema (4.10 or later).
import json
import re
import sys
import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)  # RefResolver: deprecated in jsonschema 4.18
    from jsonschema import Draft202012Validator, RefResolver
from jsonschema.exceptions import RefResolutionError, SchemaError, UnknownType, best_match

USAGE = ("usage: validate_openapi.py OPENAPI_JSON CASES_FILE\n"
         "       validate_openapi.py OPENAPI_JSON --check-document")

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class DocumentError(Exception):
    """The document lacks what a case needs, or is broken."""


# ---- the document's structure -----------------------------------------------------------


def resolve_pointer(document, ref):
    """The value a local $ref ("#/components/schemas/X") points at."""
    if not ref.startswith("#"):
        raise DocumentError(f"$ref {ref!r} is not local to the document")
    pointer = ref[1:]
    if pointer and not pointer.startswith("/"):
        raise DocumentError(f"$ref {ref!r} is not a JSON pointer")
    node = document
    for token in pointer.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            raise DocumentError(f"$ref {ref!r} does not resolve")
    return node


def follow(document, node):
    """An OpenAPI object (path item, response, media type, …) with its $refs followed."""
    seen = set()
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if ref in seen:
            raise DocumentError(f"$ref cycle at {ref!r}")
        seen.add(ref)
        node = resolve_pointer(document, ref)
    return node


def media_type(content_type):
    """"text/plain; version=0.0.4" → "text/plain"."""
    return content_type.split(";", 1)[0].strip().lower()


# ---- validating with JSON Schema ------------------------------------------------------------


def json_path(error):
    path = "$"
    for part in error.absolute_path:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def validate(document, schema, instance):
    """None when `instance` matches `schema` ($refs resolved in the document), else why not."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        resolver = RefResolver.from_schema(document)
    validator = Draft202012Validator(schema, resolver=resolver,
                                     format_checker=Draft202012Validator.FORMAT_CHECKER)
    try:
        error = best_match(validator.iter_errors(instance))
    except (RefResolutionError, UnknownType, SchemaError) as e:
        return f"the schema is broken: {str(e).splitlines()[0]}"
    if error is None:
        return None
    message = error.message
    if len(message) > 300:  # a oneOf failure quotes the whole instance
        message = message[:300] + " …"
    return f"{message} at {json_path(error)}"


# ---- answers ----------------------------------------------------------------------------


def find_media(document, method, path, status, content_type):
    """The media-type object documenting an answer; DocumentError when there is none."""
    paths = document.get("paths") or {}
    if path not in paths:
        raise DocumentError(f"the document has no path {path}")
    item = follow(document, paths[path])
    operation = item.get(method.lower())
    if operation is None and status == "405":
        # A 405 answers a method the route does not take, so it cannot be listed under
        # that method: it is documented under the route's own operations.
        operation = next((item[m] for m in HTTP_METHODS
                          if m in item and "405" in (item[m].get("responses") or {})), None)
    if operation is None:
        raise DocumentError(f"{path} has no {method.upper()} operation")
    responses = operation.get("responses") or {}
    if status not in responses:
        raise DocumentError(f"{method.upper()} {path} documents no {status} response "
                            f"(it has {', '.join(sorted(responses)) or 'none'})")
    content = follow(document, responses[status]).get("content") or {}
    wanted = media_type(content_type)
    for key, media in content.items():
        if media_type(key) == wanted:
            return follow(document, media)
    raise DocumentError(f"the {status} response documents no {wanted} body "
                        f"(it has {', '.join(sorted(content)) or 'none'})")


def check_case(document, method, path, status, content_type, body_file):
    """None when the answer is one the document describes, else what is wrong."""
    media = find_media(document, method, path, status, content_type)
    with open(body_file, "rb") as f:
        raw = f.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        return f"the body is not UTF-8: {e}"
    if media_type(content_type).startswith("text/"):
        return None if text.strip() else "the body is empty"
    try:
        body = json.loads(text)
    except json.JSONDecodeError as e:
        return f"the body is not JSON: {e}"
    schema = media.get("schema")
    return None if schema is None else validate(document, schema, body)


def run_cases(document, cases_file):
    failed = count = 0
    with open(cases_file, encoding="utf-8") as f:
        lines = f.read().splitlines()
    for number, line in enumerate(lines, 1):
        fields = line.split()
        if not fields or fields[0].startswith("#"):
            continue
        count += 1
        if len(fields) < 5:
            print(f"FAIL: {cases_file}:{number}: expected METHOD PATH STATUS CONTENT_TYPE BODY_FILE")
            failed += 1
            continue
        # The content type is everything between the status and the body file, so one
        # written with spaces ("text/plain; version=0.0.4; charset=utf-8") is read whole.
        method, path, status = fields[0].upper(), fields[1], fields[2]
        content_type, body_file = " ".join(fields[3:-1]), fields[-1]
        try:
            problem = check_case(document, method, path, status, content_type, body_file)
        except (DocumentError, OSError) as e:
            problem = str(e)
        if problem is None:
            print(f"ok: {method} {path} {status} ({body_file})")
        else:
            print(f"FAIL: {method} {path} {status}: {problem} ({body_file})")
            failed += 1
    print(f"{count} cases, {failed} failed")
    return failed == 0


# ---- the document itself ----------------------------------------------------------------


def walk_refs(node, where="#"):
    """Yields (location, $ref) for every $ref in the document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield where, value
            else:
                yield from walk_refs(value, where + "/" + str(key).replace("~", "~0").replace("/", "~1"))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from walk_refs(value, f"{where}/{i}")


def check_schema(document, schema, label, examples=()):
    """Problems of one schema: not a valid Draft 2020-12 schema, or an example it refuses."""
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as e:
        return [f"{label}: not a valid JSON Schema: {e.message}"]
    problems = []
    for where, value in examples:
        problem = validate(document, schema, value)
        if problem is not None:
            problems.append(f"{label} {where}: {problem}")
    return problems


def media_examples(document, media):
    examples = []
    if "example" in media:
        examples.append(("example", media["example"]))
    for key, example in (media.get("examples") or {}).items():
        example = follow(document, example)
        if "value" in example:
            examples.append((f"examples/{key}", example["value"]))
    return examples


def check_operation(document, path, item, method, operation):
    problems = []
    label = f"{method.upper()} {path}"
    declared = set()
    for parameter in (item.get("parameters") or []) + (operation.get("parameters") or []):
        parameter = follow(document, parameter)
        if "schema" in parameter:
            problems += check_schema(document, parameter["schema"],
                                     f"{label} parameter {parameter.get('name')}")
        if parameter.get("in") == "path":
            declared.add(parameter.get("name"))
            if parameter.get("required") is not True:
                problems.append(f"{label}: path parameter {parameter.get('name')} is not required")
    templated = set(re.findall(r"{([^}/]+)}", path))
    if declared != templated:
        problems.append(f"{label}: path parameters {sorted(declared)} do not match the "
                        f"template's {sorted(templated)}")
    if "requestBody" in operation:
        for name, media in (follow(document, operation["requestBody"]).get("content") or {}).items():
            media = follow(document, media)
            if "schema" in media:
                problems += check_schema(document, media["schema"], f"{label} request body {name}",
                                         media_examples(document, media))
    if not operation.get("responses"):
        return problems + [f"{label} has no responses"]
    for status, response in operation["responses"].items():
        response = follow(document, response)
        if "description" not in response:
            problems.append(f"{label} {status}: no description")
        for name, media in (response.get("content") or {}).items():
            media = follow(document, media)
            if "schema" in media:
                problems += check_schema(document, media["schema"], f"{label} {status} {name}",
                                         media_examples(document, media))
    return problems


def check_document(document):
    problems = []
    if document.get("openapi") != "3.1.0":
        problems.append(f"openapi is {document.get('openapi')!r}, expected '3.1.0'")
    for key in ("info", "paths"):
        if not isinstance(document.get(key), dict):
            problems.append(f"no {key} object")
    broken = []
    for where, ref in walk_refs(document):
        try:
            resolve_pointer(document, ref)
        except DocumentError as e:
            broken.append(f"{where}: {e}")
    if broken:  # what follows needs the refs to resolve
        return report(problems + broken, 0, 0)
    operations = 0
    for path, item in (document.get("paths") or {}).items():
        try:
            item = follow(document, item)
            for method in HTTP_METHODS:
                if method in item:
                    operations += 1
                    problems += check_operation(document, path, item, method, item[method])
        except DocumentError as e:
            problems.append(f"{path}: {e}")
    if operations == 0:
        problems.append("no operations")
    schemas = (document.get("components") or {}).get("schemas") or {}
    for name, schema in schemas.items():
        examples = [(f"examples[{i}]", value) for i, value in
                    enumerate((schema.get("examples") or []) if isinstance(schema, dict) else [])]
        problems += check_schema(document, schema, f"components/schemas/{name}", examples)
    return report(problems, operations, len(schemas))


def report(problems, operations, schemas):
    for problem in problems:
        print(f"FAIL: {problem}")
    print(f"{'FAIL' if problems else 'ok'}: the document: {operations} operations, {schemas} "
          f"component schemas, {len(problems)} problems")
    return not problems


def main(argv):
    if len(argv) != 3:
        print(USAGE, file=sys.stderr)
        return 2
    try:
        with open(argv[1], encoding="utf-8") as f:
            document = json.load(f)
    except (OSError, ValueError) as e:
        print(f"FAIL: {argv[1]}: {e}")
        return 1
    if not isinstance(document, dict):
        print(f"FAIL: {argv[1]}: not a JSON object")
        return 1
    if argv[2] == "--check-document":
        return 0 if check_document(document) else 1
    try:
        return 0 if run_cases(document, argv[2]) else 1
    except OSError as e:
        print(f"FAIL: {argv[2]}: {e}")
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
