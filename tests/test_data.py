"""Tests of ann.data: splits of the bundled datasets, the IDX and cal_housing readers, downloads.

Every downloaded file is written here into ``tmp_path`` in its real format; downloads come from
``file://`` URLs or a replaced ``urllib.request.urlopen``, never from the network.
"""

import gzip
import hashlib
import io
import math
import shutil
import struct
import tarfile
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sklearn import datasets as sklearn_datasets
from sklearn.datasets import _california_housing  # its downloader is replaced in one test

from ann import data

# --------------------------------------------------------------------------------------------
# Writers of the real file formats
# --------------------------------------------------------------------------------------------

# The IDX type code of each (big-endian) element type, from the format's specification.
IDX_TYPE_CODES = {"u1": 0x08, "i1": 0x09, ">i2": 0x0B, ">i4": 0x0C, ">f4": 0x0D, ">f8": 0x0E}


def write_idx(path: Path, array: np.ndarray, type_name: str = "u1") -> Path:
    """Write ``array`` as an IDX file (gzipped when the name ends with .gz)."""
    header = bytes([0, 0, IDX_TYPE_CODES[type_name], array.ndim])
    header += struct.pack(f">{array.ndim}I", *array.shape)
    content = header + array.astype(type_name).tobytes()
    path.write_bytes(gzip.compress(content) if path.name.endswith(".gz") else content)
    return path


def fashion_arrays(n_train: int = 6, n_test: int = 3, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    train_images, train_labels, test_images, test_labels = data.FASHION_MNIST_FILES
    return {
        train_images: rng.integers(0, 256, size=(n_train, 28, 28), dtype=np.uint8),
        train_labels: rng.integers(0, 10, size=n_train, dtype=np.uint8),
        test_images: rng.integers(0, 256, size=(n_test, 28, 28), dtype=np.uint8),
        test_labels: rng.integers(0, 10, size=n_test, dtype=np.uint8),
    }


def write_fashion_mnist(directory: Path, arrays: dict[str, np.ndarray]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, array in arrays.items():
        write_idx(directory / name, array)
    return directory


def housing_rows(n_rows: int = 12, seed: int = 0) -> np.ndarray:
    """Rows in the column order of cal_housing.data, with plausible values."""
    rng = np.random.default_rng(seed)
    households = rng.integers(50, 800, size=n_rows)
    return np.column_stack(
        [
            rng.uniform(-124.3, -114.3, n_rows),  # longitude
            rng.uniform(32.5, 42.0, n_rows),  # latitude
            rng.integers(1, 53, n_rows),  # housingMedianAge
            households * rng.uniform(3, 8, n_rows).round(0),  # totalRooms
            households * rng.uniform(0.8, 1.3, n_rows).round(1),  # totalBedrooms
            households * rng.integers(1, 5, n_rows),  # population
            households,  # households
            rng.uniform(0.5, 15.0, n_rows).round(4),  # medianIncome
            rng.integers(15_000, 500_001, n_rows),  # medianHouseValue
        ]
    )


def write_housing_archive(
    path: Path, csv_text: str, member: str | None = None, member_type: bytes = tarfile.REGTYPE
) -> Path:
    member = member or data.CALIFORNIA_HOUSING_MEMBER
    payload = csv_text.encode() if member_type == tarfile.REGTYPE else b""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "w:gz") as tar:
        info = tarfile.TarInfo(member)
        info.type = member_type
        info.size = len(payload)
        tar.addfile(info, io.BytesIO(payload))
    return path


def rows_as_csv(rows: np.ndarray) -> str:
    return "".join(",".join(f"{value:.6f}" for value in row) + "\n" for row in rows)


def files_in(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir()) if directory.exists() else []


# --------------------------------------------------------------------------------------------
# split_dataset and the bundled datasets
# --------------------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    n_samples=st.integers(3, 60),
    test_fraction=st.floats(0.0, 0.45),
    validation_fraction=st.floats(0.0, 0.45),
    seed=st.integers(0, 2**16),
)
def test_split_is_a_partition_of_the_samples(n_samples, test_fraction, validation_fraction, seed):
    n_test = math.ceil(test_fraction * n_samples)
    n_valid = math.ceil(validation_fraction * n_samples)
    assume(n_test + n_valid < n_samples)  # otherwise a ValueError (tested below)
    X = np.arange(n_samples).reshape(-1, 1)
    y = 10 * np.arange(n_samples)
    split = data.split_dataset(
        X, y, test_size=test_fraction, validation_size=validation_fraction, random_state=seed
    )
    parts = [(split.X_train, split.y_train), (split.X_valid, split.y_valid)]
    parts.append((split.X_test, split.y_test))
    assert sorted(np.concatenate([X_part.ravel() for X_part, _ in parts])) == list(range(n_samples))
    for X_part, y_part in parts:
        np.testing.assert_array_equal(y_part, 10 * X_part.ravel())
    assert (len(split.X_test), len(split.X_valid)) == (n_test, n_valid)


def test_integer_sizes_are_sample_counts():
    split = data.split_dataset(np.zeros((20, 2)), np.zeros(20), test_size=3, validation_size=5)
    assert (len(split.X_train), len(split.X_valid), len(split.X_test)) == (12, 5, 3)


def test_iris_split_is_stratified_and_holds_the_real_rows():
    split = data.load_iris(test_size=0.2, validation_size=0.2)
    iris = sklearn_datasets.load_iris()
    for y_part in (split.y_train, split.y_valid, split.y_test):
        expected = len(y_part) / 3  # iris has 50 flowers of each of the 3 species
        assert np.all(np.abs(np.bincount(y_part, minlength=3) - expected) <= 1)
    X_all = np.concatenate([split.X_train, split.X_valid, split.X_test])
    y_all = np.concatenate([split.y_train, split.y_valid, split.y_test])
    found = sorted(map(tuple, np.column_stack([X_all, y_all])))
    assert found == sorted(map(tuple, np.column_stack([iris.data, iris.target])))
    assert split.feature_names == tuple(iris.feature_names)
    assert split.target_names == tuple(iris.target_names)


def test_splits_repeat_with_a_seed_and_change_with_another():
    first, again = data.load_iris(random_state=3), data.load_iris(random_state=3)
    other = data.load_iris(random_state=4)
    np.testing.assert_array_equal(first.X_train, again.X_train)
    np.testing.assert_array_equal(first.y_test, again.y_test)
    assert not np.array_equal(first.X_train, other.X_train)


def test_digits_pixels_are_scaled_to_unit_interval():
    scaled = data.load_digits(scale=True)
    raw = data.load_digits(scale=False)
    assert scaled.X_train.min() >= 0.0 and scaled.X_train.max() <= 1.0
    np.testing.assert_allclose(scaled.X_train * 16.0, raw.X_train)
    assert raw.X_train.max() == 16.0


def test_digits_as_images_are_the_8x8_pixel_grids():
    images = data.load_digits(as_images=True, scale=False)
    rows = data.load_digits(as_images=False, scale=False)
    assert images.X_train.shape[1:] == (8, 8)
    np.testing.assert_array_equal(images.X_train.reshape(len(images.X_train), 64), rows.X_train)
    assert sum(len(X) for X in (images.X_train, images.X_valid, images.X_test)) == 1797


@pytest.mark.parametrize("scaled", [True, False])
def test_diabetes_matches_scikit_learn(scaled):
    split = data.load_diabetes(scaled=scaled, test_size=0.1, validation_size=0.1)
    X, y = sklearn_datasets.load_diabetes(scaled=scaled, return_X_y=True)
    X_all = np.concatenate([split.X_train, split.X_valid, split.X_test])
    y_all = np.concatenate([split.y_train, split.y_valid, split.y_test])
    assert sorted(map(tuple, np.column_stack([X_all, y_all]))) == sorted(
        map(tuple, np.column_stack([X, y]))
    )


@pytest.mark.parametrize(
    ("sizes", "error", "message"),
    [
        ({"test_size": -0.1}, ValueError, "fraction in"),
        ({"test_size": 1.0}, ValueError, "fraction in"),
        ({"validation_size": 10}, ValueError, "count in"),
        ({"test_size": "0.2"}, TypeError, "test_size"),
        ({"test_size": True}, TypeError, "test_size"),
        ({"test_size": 5, "validation_size": 5}, ValueError, "nothing is left"),
    ],
)
def test_bad_split_sizes_are_rejected(sizes, error, message):
    with pytest.raises(error, match=message):
        data.split_dataset(np.zeros((10, 2)), np.zeros(10), **sizes)


def test_x_and_y_must_have_the_same_length():
    with pytest.raises(ValueError, match="same number of samples"):
        data.split_dataset(np.zeros((10, 2)), np.zeros(9))


# --------------------------------------------------------------------------------------------
# IDX files
# --------------------------------------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(
    shape=st.lists(st.integers(1, 5), min_size=1, max_size=3),
    type_name=st.sampled_from(sorted(IDX_TYPE_CODES)),
    compressed=st.booleans(),
    seed=st.integers(0, 1000),
)
def test_idx_round_trip(tmp_path_factory, shape, type_name, compressed, seed):
    array = np.random.default_rng(seed).integers(0, 100, size=shape).astype(type_name)
    path = tmp_path_factory.mktemp("idx") / ("values.idx.gz" if compressed else "values.idx")
    result = data.read_idx(write_idx(path, array, type_name))
    assert result.shape == array.shape
    assert result.dtype == np.dtype(type_name).newbyteorder("=")
    np.testing.assert_array_equal(result, array)


def test_idx_wrong_magic_number_is_reported(tmp_path):
    labels = write_idx(tmp_path / "labels.gz", np.arange(5, dtype=np.uint8))
    with pytest.raises(
        data.DatasetFormatError, match="magic number 0x00000801, expected 0x00000803"
    ):
        data.read_idx(labels, expected_magic=data.IDX_IMAGES_MAGIC)


def test_idx_garbage_header_is_reported(tmp_path):
    path = tmp_path / "garbage"
    path.write_bytes(b"\x1f\x8b\x08\x00 not an idx file")
    with pytest.raises(data.DatasetFormatError, match="does not start with an IDX magic"):
        data.read_idx(path)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda content: content[:-1], "is truncated: .* 60 bytes of data, but 59 follow"),
        (lambda content: content + b"\x00", "has trailing bytes"),
        (lambda content: content[:9], "truncated inside its header"),
        (lambda content: content[:2], "too short"),
    ],
)
def test_idx_size_mismatch_is_reported(tmp_path, edit, message):
    content = write_idx(tmp_path / "ok", np.zeros((3, 4, 5), dtype=np.uint8)).read_bytes()
    path = tmp_path / "bad.gz"
    path.write_bytes(gzip.compress(edit(content)))
    with pytest.raises(data.DatasetFormatError, match=message):
        data.read_idx(path)


def test_truncated_gzip_stream_is_reported(tmp_path):
    compressed = gzip.compress(bytes(range(256)) * 40)
    path = tmp_path / "cut.gz"
    path.write_bytes(compressed[: len(compressed) // 2])
    with pytest.raises(data.DatasetFormatError, match="not a complete gzip file"):
        data.read_idx(path)


def test_missing_idx_file_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match="no file at"):
        data.read_idx(tmp_path / "absent.gz")


# --------------------------------------------------------------------------------------------
# Fashion-MNIST
# --------------------------------------------------------------------------------------------


def test_read_fashion_mnist_returns_the_stored_arrays(tmp_path):
    arrays = fashion_arrays()
    (X_train, y_train), (X_test, y_test) = data.read_fashion_mnist(
        write_fashion_mnist(tmp_path, arrays)
    )
    train_images, train_labels, test_images, test_labels = data.FASHION_MNIST_FILES
    for result, name in [
        (X_train, train_images),
        (y_train, train_labels),
        (X_test, test_images),
        (y_test, test_labels),
    ]:
        assert result.dtype == np.uint8
        np.testing.assert_array_equal(result, arrays[name])


def test_load_fashion_mnist_keeps_the_last_training_images_for_validation(tmp_path):
    arrays = fashion_arrays(n_train=6)
    directory = write_fashion_mnist(tmp_path, arrays)
    split = data.load_fashion_mnist(directory, validation_size=2, download=False)
    raw = data.load_fashion_mnist(directory, validation_size=2, scale=False, download=False)
    train_images, train_labels, test_images, _ = data.FASHION_MNIST_FILES
    np.testing.assert_array_equal(raw.X_train, arrays[train_images][:4])
    np.testing.assert_array_equal(raw.X_valid, arrays[train_images][4:])
    np.testing.assert_array_equal(raw.y_valid, arrays[train_labels][4:])
    assert split.X_train.dtype == np.float32
    np.testing.assert_allclose(split.X_test, arrays[test_images] / 255.0, rtol=1e-6)
    assert split.target_names == data.FASHION_MNIST_CLASS_NAMES


@pytest.mark.parametrize(
    ("validation_size", "error", "message"),
    [(6, ValueError, r"in \[0, 6\)"), (-1, ValueError, r"in \[0, 6\)"), (0.5, TypeError, "an int")],
)
def test_fashion_mnist_validation_size_is_checked(tmp_path, validation_size, error, message):
    directory = write_fashion_mnist(tmp_path, fashion_arrays(n_train=6))
    with pytest.raises(error, match=message):
        data.load_fashion_mnist(directory, validation_size=validation_size, download=False)


@pytest.mark.parametrize(
    ("name", "array", "message"),
    [
        ("train-images-idx3-ubyte.gz", np.zeros((6, 27, 28), np.uint8), r"expected \(28, 28\)"),
        ("train-labels-idx1-ubyte.gz", np.zeros(5, np.uint8), "6 images but .* 5 labels"),
        ("t10k-labels-idx1-ubyte.gz", np.array([0, 10, 3], np.uint8), "label 10, expected 0 to 9"),
    ],
)
def test_inconsistent_fashion_mnist_files_are_reported(tmp_path, name, array, message):
    arrays = fashion_arrays() | {name: array}
    with pytest.raises(data.DatasetFormatError, match=message):
        data.read_fashion_mnist(write_fashion_mnist(tmp_path, arrays))


def test_fashion_mnist_default_folder_follows_the_environment_variable(tmp_path, monkeypatch):
    write_fashion_mnist(tmp_path / data.FASHION_MNIST_SUBFOLDER, fashion_arrays())
    monkeypatch.setenv(data.DATA_HOME_ENV, str(tmp_path))
    assert data.data_home() == tmp_path
    split = data.load_fashion_mnist(validation_size=1, download=False)
    assert len(split.X_train) == 5


def test_data_home_defaults_to_the_keras_datasets_folder(monkeypatch):
    monkeypatch.delenv(data.DATA_HOME_ENV, raising=False)
    assert data.data_home() == Path.home() / ".keras" / "datasets"


def test_fashion_mnist_downloads_missing_files_and_then_uses_the_cache(tmp_path):
    server = write_fashion_mnist(tmp_path / "server", fashion_arrays())
    cache = tmp_path / "cache"
    split = data.load_fashion_mnist(cache, validation_size=1, base_url=server.as_uri() + "/")
    assert files_in(cache) == sorted(data.FASHION_MNIST_FILES)
    for name in data.FASHION_MNIST_FILES:
        assert (cache / name).read_bytes() == (server / name).read_bytes()
    shutil.rmtree(server)
    cached = data.load_fashion_mnist(cache, validation_size=1, download=False)
    np.testing.assert_array_equal(cached.X_train, split.X_train)


def refuse_connection(url, timeout=None):
    raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")


def test_offline_download_fails_with_a_clear_message(tmp_path, monkeypatch):
    monkeypatch.setattr(urllib.request, "urlopen", refuse_connection)
    cache = tmp_path / "cache"
    with pytest.raises(data.DatasetUnavailableError) as caught:
        data.load_fashion_mnist(cache)
    error = caught.value
    assert isinstance(error, OSError)
    assert error.missing == data.FASHION_MNIST_FILES
    assert error.directory == cache
    message = str(error)
    for name in data.FASHION_MNIST_FILES:
        assert name in message
    assert str(cache) in message and "name resolution" in message
    assert "cache_dir" in message and data.DATA_HOME_ENV in message
    assert f"subfolder '{data.FASHION_MNIST_SUBFOLDER}'" in message
    assert files_in(cache) == []


def test_error_lists_only_the_files_still_missing(tmp_path, monkeypatch):
    monkeypatch.setattr(urllib.request, "urlopen", refuse_connection)
    arrays = fashion_arrays()
    present = dict(list(arrays.items())[:2])
    cache = write_fashion_mnist(tmp_path / "cache", present)
    with pytest.raises(data.DatasetUnavailableError) as caught:
        data.load_fashion_mnist(cache)
    assert set(caught.value.missing) == set(arrays) - set(present)
    assert files_in(cache) == sorted(present)


def test_download_off_reports_missing_files(tmp_path):
    with pytest.raises(data.DatasetUnavailableError, match=r"download=False"):
        data.load_fashion_mnist(tmp_path, download=False)


class BrokenResponse(io.BytesIO):
    """A response whose connection drops after the first bytes."""

    def read(self, size=-1):
        if self.tell() > 0:
            raise ConnectionResetError("connection reset by peer")
        return super().read(10)


def test_interrupted_download_leaves_no_partial_file(tmp_path, monkeypatch):
    monkeypatch.setattr(
        urllib.request, "urlopen", lambda url, timeout=None: BrokenResponse(b"x" * 100)
    )
    cache = tmp_path / "cache"
    with pytest.raises(data.DatasetUnavailableError, match="connection reset"):
        data.load_california_housing(cache)
    assert files_in(cache) == []


def test_unreachable_file_url_leaves_no_partial_file(tmp_path):
    cache = tmp_path / "cache"
    url = (tmp_path / "nowhere" / data.CALIFORNIA_HOUSING_ARCHIVE).as_uri()
    with pytest.raises(data.DatasetUnavailableError) as caught:
        data.load_california_housing(cache, url=url)
    assert caught.value.missing == (data.CALIFORNIA_HOUSING_ARCHIVE,)
    assert url in str(caught.value)
    assert files_in(cache) == []


# --------------------------------------------------------------------------------------------
# California housing
# --------------------------------------------------------------------------------------------


def test_housing_features_equal_scikit_learns(tmp_path, monkeypatch):
    archive = write_housing_archive(tmp_path / "cal_housing.tgz", rows_as_csv(housing_rows()))

    def fetch_from_tmp(remote, dirname=None, n_retries=3, delay=1):
        # scikit-learn deletes the archive after reading it: hand it a copy.
        return shutil.copy(archive, Path(dirname) / remote.filename)

    monkeypatch.setattr(_california_housing, "_fetch_remote", fetch_from_tmp)
    expected = sklearn_datasets.fetch_california_housing(data_home=tmp_path / "sklearn")
    X, y = data.read_california_housing(archive)
    np.testing.assert_array_equal(X, expected.data)
    np.testing.assert_array_equal(y, expected.target)
    assert data.CALIFORNIA_HOUSING_FEATURES == tuple(expected.feature_names)


def test_housing_features_are_per_household_averages(tmp_path):
    rows = housing_rows(n_rows=3)
    X, y = data.read_california_housing(
        write_housing_archive(tmp_path / "cal_housing.tgz", rows_as_csv(rows))
    )
    raw = dict(
        zip(
            data.CALIFORNIA_HOUSING_RAW_COLUMNS,
            np.loadtxt(io.StringIO(rows_as_csv(rows)), delimiter=",").T,
            strict=True,
        )
    )
    features = dict(zip(data.CALIFORNIA_HOUSING_FEATURES, X.T, strict=True))
    np.testing.assert_allclose(features["AveOccup"], raw["population"] / raw["households"])
    np.testing.assert_allclose(features["MedInc"], raw["medianIncome"])
    np.testing.assert_allclose(y * 100_000, raw["medianHouseValue"])


def test_load_california_housing_splits_the_cached_archive(tmp_path):
    rows = housing_rows(n_rows=20)
    write_housing_archive(tmp_path / data.CALIFORNIA_HOUSING_ARCHIVE, rows_as_csv(rows))
    split = data.load_california_housing(tmp_path, test_size=4, validation_size=4, download=False)
    assert (len(split.X_train), len(split.X_valid), len(split.X_test)) == (12, 4, 4)
    X, _ = data.read_california_housing(tmp_path / data.CALIFORNIA_HOUSING_ARCHIVE)
    X_all = np.concatenate([split.X_train, split.X_valid, split.X_test])
    assert sorted(map(tuple, X_all)) == sorted(map(tuple, X))
    assert split.feature_names == data.CALIFORNIA_HOUSING_FEATURES


def test_housing_download_is_checked_against_its_sha256(tmp_path):
    archive = write_housing_archive(
        tmp_path / "server" / "cal_housing.tgz", rows_as_csv(housing_rows())
    )
    cache = tmp_path / "cache"
    with pytest.raises(data.DatasetUnavailableError, match="SHA-256"):
        data.load_california_housing(cache, url=archive.as_uri(), sha256="0" * 64)
    assert files_in(cache) == []
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    split = data.load_california_housing(cache, url=archive.as_uri(), sha256=digest)
    assert files_in(cache) == [data.CALIFORNIA_HOUSING_ARCHIVE]
    assert split.X_train.shape[1] == 8


@pytest.mark.parametrize(
    ("make_archive", "message"),
    [
        (lambda path: path.write_bytes(b"plain text, not a tgz"), "not a complete .tgz archive"),
        (
            lambda path: path.write_bytes(
                write_housing_archive(path, rows_as_csv(housing_rows(200))).read_bytes()[:300]
            ),
            "not a complete .tgz archive",
        ),
        (
            lambda path: write_housing_archive(path, "1,2,3\n", member="other/file.csv"),
            "holds no CaliforniaHousing/cal_housing.data",
        ),
        (
            lambda path: write_housing_archive(path, "", member_type=tarfile.DIRTYPE),
            "cal_housing.data in .* is not a file",
        ),
        (
            lambda path: write_housing_archive(path, rows_as_csv(housing_rows()[:, :8])),
            "has 8 columns, expected 9",
        ),
        (
            lambda path: write_housing_archive(path, "1,2,3,4,5,6,7,8,nine\n"),
            "cal_housing.data in",
        ),
        (
            lambda path: write_housing_archive(path, "1,2,3,4,5,6,0,8,9\n"),
            "without households",
        ),
    ],
)
def test_corrupt_housing_archive_is_reported(tmp_path, make_archive, message):
    path = tmp_path / data.CALIFORNIA_HOUSING_ARCHIVE
    make_archive(path)
    with pytest.raises(data.DatasetFormatError, match=message):
        data.read_california_housing(path)
