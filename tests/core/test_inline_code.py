"""`start_with_code`: JavaScript and Python run as the body of an async function with `params`."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

import pytest

from sidetui.core import (
    ErrorCode,
    ExecutionKind,
    ExecutionRecord,
    ExecutionStatus,
    SideExecutionManager,
)
from tests.helpers import needs_node, pids_alive

DEADLINE_S = 15
LANGUAGES = [pytest.param("javascript", marks=needs_node), "python"]


def js(*values: object, id: str = "javascript") -> object:
    return pytest.param("javascript", *values, marks=needs_node, id=id)


def py(*values: object, id: str = "python") -> object:
    return pytest.param("python", *values, id=id)


@pytest.fixture
def temp_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where the engine makes its temporary folders during the test (to see them go)."""
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    return root


async def run_code(
    manager: SideExecutionManager, code: str, language: str, params=None, **options
) -> ExecutionRecord:
    started = await manager.start_with_code(code, params, language=language, **options)
    assert started.success, started
    async with asyncio.timeout(DEADLINE_S):
        return await manager.wait_until_settled(started.data["sideExecutionId"])


@pytest.mark.parametrize(
    ("language", "code"),
    [
        js("return { answer: params.a + params.b, list: [params.a] };"),
        py("return {'answer': params['a'] + params['b'], 'list': [params['a']]}"),
    ],
)
async def test_the_returned_value_is_the_result_with_params_in_scope(
    manager, language, code
) -> None:
    record = await run_code(manager, code, language, {"a": 40, "b": 2})
    assert record.status is ExecutionStatus.COMPLETED, record.error_output
    assert record.result == {"answer": 42, "list": [40]}
    assert record.params == {"a": 40, "b": 2}


@pytest.mark.parametrize(
    ("language", "code"),
    [
        js(
            "const first = await new Promise((done) => setTimeout(() => done('slept'), 20));\n"
            "const second = await Promise.resolve(' and awaited');\n"
            "return first + second;",
        ),
        py(
            "import asyncio\n"
            "await asyncio.sleep(0.02)\n"
            "async def twice():\n"
            "    return ' and awaited'\n"
            "return 'slept' + await twice()",
        ),
    ],
)
async def test_top_level_await_works(manager, language, code) -> None:
    record = await run_code(manager, code, language)
    assert record.status is ExecutionStatus.COMPLETED, record.error_output
    assert record.result == "slept and awaited"


@needs_node
async def test_require_works_in_javascript(manager) -> None:
    code = (
        "const path = require('path');\n"
        "const os = require('node:os');\n"
        "return { joined: path.join('a', 'b'), platform: os.platform() };"
    )
    record = await run_code(manager, code, "javascript")
    assert record.status is ExecutionStatus.COMPLETED, record.error_output
    assert record.result == {"joined": "a/b", "platform": "linux"}


@pytest.mark.parametrize(
    ("language", "code"),
    [
        js("console.log('before');\nthrow new Error('the disk is full');"),
        py("print('before')\nraise RuntimeError('the disk is full')"),
    ],
)
async def test_a_throw_fails_with_its_message(manager, language, code) -> None:
    record = await run_code(manager, code, language)
    assert record.status is ExecutionStatus.FAILED
    assert record.error.code is ErrorCode.EXECUTION_FAILED
    assert record.error.message == "the disk is full"
    assert record.output == "before"
    assert "the disk is full" in record.error_output
    assert record.result is None


@pytest.mark.parametrize(
    ("language", "code"),
    [
        js("console.log('ran');\nreturn (;"),
        js("console.log('ran');\nconst x = await;"),
        py("print('ran')\nreturn ("),
        py("print('ran')\nif True\n    return 1"),
    ],
)
async def test_a_syntax_error_fails_with_syntax_error_and_nothing_runs(
    manager, language, code
) -> None:
    record = await run_code(manager, code, language)
    assert record.status is ExecutionStatus.FAILED
    assert record.error.code is ErrorCode.SYNTAX_ERROR, record.error
    assert record.error.message
    assert "ran" not in record.output


@pytest.mark.parametrize("code", ["print('ran')\nbreak", "yield 1\nreturn 2"])
async def test_a_python_syntax_error_found_by_the_compiler_is_a_syntax_error(manager, code) -> None:
    record = await run_code(manager, code, "python")
    assert record.status is ExecutionStatus.FAILED
    assert record.error.code is ErrorCode.SYNTAX_ERROR, record.error
    assert "ran" not in record.output


async def test_python_code_with_a_character_outside_the_bmp_runs(manager) -> None:
    record = await run_code(manager, "return {'glyph': '😀', 'length': len('😀')}", "python")
    assert record.status is ExecutionStatus.COMPLETED, record.error
    assert record.result == {"glyph": "😀", "length": 1}


@needs_node
async def test_javascript_code_with_a_character_outside_the_bmp_runs(manager) -> None:
    record = await run_code(
        manager, "return { glyph: '😀', length: [...'😀'].length };", "javascript"
    )
    assert record.status is ExecutionStatus.COMPLETED, record.error
    assert record.result == {"glyph": "😀", "length": 1}


@needs_node
async def test_a_javascript_result_that_cannot_be_sent_is_a_readable_error(manager) -> None:
    record = await run_code(manager, "const a = {}; a.self = a; return a;", "javascript")
    assert record.status is ExecutionStatus.FAILED
    assert record.error.code is ErrorCode.EXECUTION_FAILED, record.error
    assert "circular" in record.error.message.lower()


@pytest.mark.parametrize(
    ("language", "code"),
    [
        js("console.log(process.pid);\nwhile (true) {}"),
        py("import os\nprint(os.getpid(), flush=True)\nwhile True:\n    pass"),
    ],
)
async def test_a_timeout_ends_the_execution_and_its_tree(manager, language, code) -> None:
    record = await run_code(manager, code, language, timeout=300)
    assert record.status is ExecutionStatus.TIMEOUT
    assert record.error.code is ErrorCode.EXECUTION_TIMEOUT
    assert record.timeout == 300
    assert int(record.output) == record.pid
    assert pids_alive([record.pid]) == []
    assert record.leftover_pids == ()


@pytest.mark.parametrize("language", LANGUAGES)
async def test_no_timeout_given_takes_the_configured_code_timeout(
    manager, config, language
) -> None:
    config.code_timeout_ms = 300
    loop = "while (true) {}" if language == "javascript" else "while True:\n    pass"
    record = await run_code(manager, loop, language, timeout=None)
    assert record.timeout == 300
    assert record.status is ExecutionStatus.TIMEOUT
    assert pids_alive([record.pid]) == []


async def test_the_default_timeout_is_five_minutes(manager) -> None:
    record = await run_code(manager, "return 1", "python")
    assert record.timeout == 300_000
    assert record.status is ExecutionStatus.COMPLETED


@pytest.mark.parametrize(
    ("code", "language"),
    [
        ("", "javascript"),
        ("   \n\t", "python"),
        ("return 1", "ruby"),
        ("return 1", "JavaScript"),
    ],
)
async def test_empty_code_and_unknown_languages_are_refused(
    manager, temp_root, code, language
) -> None:
    started = await manager.start_with_code(code, language=language)
    assert not started.success
    assert started.error.code is ErrorCode.INVALID_REQUEST
    assert manager.records == []
    assert list(temp_root.iterdir()) == []


@pytest.mark.parametrize(
    ("language", "code", "final"),
    [
        js(
            "require('fs').writeFileSync('made.txt', 'x');\nconsole.log(process.cwd());\nreturn 1;",
            ExecutionStatus.COMPLETED,
        ),
        js(
            "console.log(process.cwd());\nthrow new Error('no');",
            ExecutionStatus.FAILED,
        ),
        js(
            "console.log(process.cwd());\nwhile (true) {}",
            ExecutionStatus.TIMEOUT,
        ),
        py(
            "import os\nopen('made.txt', 'w').close()\nprint(os.getcwd())\nreturn 1",
            ExecutionStatus.COMPLETED,
        ),
        py(
            "import os\nprint(os.getcwd(), flush=True)\nwhile True:\n    pass",
            ExecutionStatus.TIMEOUT,
        ),
    ],
)
async def test_the_temporary_folder_is_removed_once_settled(
    manager, temp_root, language, code, final
) -> None:
    record = await run_code(manager, code, language, timeout=1_000)
    assert record.status is final, record.error
    cwd = Path(record.output.splitlines()[0])
    assert cwd.parent == temp_root  # the child ran in a private folder under the temp root
    assert not cwd.exists()
    assert list(temp_root.iterdir()) == []


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_syntax_error_leaves_no_temporary_folder(manager, temp_root, language) -> None:
    record = await run_code(manager, "return (", language)
    assert record.error.code is ErrorCode.SYNTAX_ERROR
    assert list(temp_root.iterdir()) == []


@pytest.mark.parametrize(
    ("language", "code"),
    [
        js("return undefined;"),
        js("const nothing = 1;"),
        js("return null;"),
        py("x = 1"),
        py("return None"),
    ],
)
async def test_nothing_returned_is_result_none(manager, language, code) -> None:
    record = await run_code(manager, code, language)
    assert record.status is ExecutionStatus.COMPLETED, record.error_output
    assert record.result is None


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_record_is_of_kind_code_named_after_its_language(manager, language) -> None:
    record = await run_code(manager, "return 7", language)
    assert record.kind is ExecutionKind.CODE
    assert record.action_block == f"<inline {language}>"
    assert record.action_block_id is None
    as_json = record.to_dict()
    assert as_json["kind"] == "code"
    assert as_json["actionBlock"] == f"<inline {language}>"
    assert as_json["result"] == 7


@pytest.mark.parametrize("language", LANGUAGES)
async def test_params_default_to_an_empty_object(manager, language) -> None:
    record = await run_code(manager, "return params", language)
    assert record.status is ExecutionStatus.COMPLETED, record.error_output
    assert record.result == {}
