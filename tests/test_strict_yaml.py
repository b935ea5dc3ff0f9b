"""The strict YAML reader: duplicate keys, syntax errors and key checks name file and line."""

import pytest

from thidua_sim.io._yaml import check_keys, line_of, read_yaml
from thidua_sim.errors import ErrorCollector, InputErrors


def write(tmp_path, text, name="p.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_duplicate_key_names_file_and_both_lines(tmp_path):
    path = write(tmp_path, "a: 1\nb:\n  c: 2\n  c: 3\n")
    with pytest.raises(InputErrors) as info:
        read_yaml(path)
    (error,) = info.value.errors
    assert error.file == str(path)
    assert error.line == 4
    assert "first at line 3" in error.found
    assert "p.yaml:4" in str(info.value)


def test_every_duplicate_is_reported(tmp_path):
    path = write(tmp_path, "a: 1\na: 2\nb: 1\nb: 2\n")
    with pytest.raises(InputErrors) as info:
        read_yaml(path)
    assert [e.line for e in info.value.errors] == [2, 4]


def test_syntax_error_has_a_line(tmp_path):
    path = write(tmp_path, "a: [1, 2\nb: 3\n")
    with pytest.raises(InputErrors) as info:
        read_yaml(path)
    assert info.value.errors[0].line is not None
    assert "invalid YAML" in str(info.value)


def test_missing_file_and_bad_encoding(tmp_path):
    with pytest.raises(InputErrors, match="no such file"):
        read_yaml(tmp_path / "nope.yaml")
    path = tmp_path / "latin.yaml"
    path.write_bytes("tên: Kông Bơ La".encode("utf-16"))
    with pytest.raises(InputErrors, match="UTF-8"):
        read_yaml(path)


def test_key_lines_are_remembered(tmp_path):
    data = read_yaml(write(tmp_path, "top:\n  first: 1\n  second: 2\n"))
    assert line_of(data, "top") == 1
    assert line_of(data["top"], "second") == 3
    assert data == {"top": {"first": 1, "second": 2}}


def test_check_keys_reports_unknown_and_missing(tmp_path):
    data = read_yaml(write(tmp_path, "unit: VND\nvalu: 3\n"))
    errors = ErrorCollector("p.yaml")
    assert check_keys(errors, data, "rate", required=("value", "unit"), optional=("reference",))
    text = "\n".join(str(e) for e in errors.errors)
    assert "rate.value: found no such key" in text
    assert "rate.valu: found unknown key 'valu'" in text
    assert "p.yaml:2" in text  # the unknown key's own line
    assert not check_keys(errors, [1, 2], "rate", required=("value",))


def test_user_errors_render_without_traceback_in_ipython(tmp_path, capsys):
    from IPython.core.interactiveshell import InteractiveShell

    path = write(tmp_path, "a: 1\na: 2\n")
    shell = InteractiveShell.instance()
    result = shell.run_cell(f"from thidua_sim.io._yaml import read_yaml\nread_yaml({str(path)!r})")
    assert isinstance(result.error_in_exec, InputErrors)
    shown = capsys.readouterr()
    text = shown.out + shown.err
    assert "InputErrors: 1 problem in the input:" in text and "p.yaml:2" in text
    assert "Traceback" not in text and "read_yaml(" not in text


def test_the_yaml_writer_never_writes_an_ambiguous_thousands_form(tmp_path):
    """1.234 and 3.375 would read back as refused '3.000'-like forms; the writer adds a digit, so
    the strict reader takes every written float back unchanged. 0.5 and 12.25 are left alone."""
    import yaml

    from thidua_sim.io._yaml import WritingDumper

    text = yaml.dump({"a": 1.234, "b": 3.375, "c": 0.5, "d": 12.25, "e": 2000.0}, Dumper=WritingDumper, sort_keys=False)
    assert text.splitlines() == ["a: 1.2340", "b: 3.3750", "c: 0.5", "d: 12.25", "e: 2000.0"]
    path = tmp_path / "written.yaml"
    path.write_text(text, encoding="utf-8")
    assert dict(read_yaml(path)) == {"a": 1.234, "b": 3.375, "c": 0.5, "d": 12.25, "e": 2000.0}
