"""IRIs are minted from stable keys only, and refuse anything else."""

import pytest

from nomengraph import iris


def test_iris_from_stable_keys():
    assert iris.job("cigref-2010", "1.1") == "https://w3id.org/nomengraph/id/cigref-2010/job/1.1"
    assert iris.requirement("cigref-2018", "2.6", "D.11").endswith("/job/2.6/competence/D.11")
    assert iris.competence("3.0", "A.9") == "https://w3id.org/nomengraph/id/ecf/3.0/competence/A.9"
    assert iris.proficiency_level(3) == "https://w3id.org/nomengraph/id/ecf/level/e-3"
    assert iris.graph("cigref-2018") == "https://w3id.org/nomengraph/graph/cigref-2018"
    assert iris.edition("sic") == "https://w3id.org/nomengraph/id/scheme/sic"
    task = iris.task("cigref-2018", "5.1", 2, 1)
    assert task == "https://w3id.org/nomengraph/id/cigref-2018/job/5.1/activity/2/task/1"
    assert iris.sub_item(task, 3) == task + "/item/3"
    path = iris.career_path("cigref-2010", "5.1")
    assert iris.sub_item(path, 1) == path + "/item/1"


@pytest.mark.parametrize(
    ("func", "args"),
    [
        (iris.job, ("cigref 2010", "1.1")),
        (iris.job, ("cigref-2010", "Consultant")),
        (iris.requirement, ("cigref-2010", "1.1", "A1")),
        (iris.competence, ("3", "A.1")),
        (iris.proficiency_level, (6,)),
        (iris.ks_item, ("2.0", "A.1", "X1")),
        (iris.area, ("2.0", "F")),
        (iris.graph, ("../etc",)),
        (iris.task, ("cigref-2010", "1.1", 1, 0)),
        (iris.sub_item, ("https://example.org/x", 1)),
        (iris.sub_item, (iris.job("sic", "01"), "2")),
    ],
)
def test_free_text_is_refused(func, args):
    with pytest.raises(ValueError, match="invalid"):
        func(*args)
