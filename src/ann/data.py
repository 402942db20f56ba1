"""Datasets of the chapter and their train / validation / test splits.

Two kinds of datasets are used:

- bundled with scikit-learn, always available offline: :func:`load_iris`, :func:`load_digits`
  and :func:`load_diabetes`, split by :func:`split_dataset` (seeded; stratified for
  classification);
- downloaded once and cached: :func:`load_fashion_mnist` (the four gzipped IDX files of
  Zalando's Fashion-MNIST) and :func:`load_california_housing` (the ``cal_housing.tgz`` archive
  of the 1990 California census, the source of scikit-learn's ``fetch_california_housing``).

Where the downloaded files live
-------------------------------
Each downloaded dataset has its own folder. It is, in order of precedence:

1. the ``cache_dir`` argument of the loader (the folder holding the files themselves);
2. ``$ANN_DATA_HOME/<dataset>`` when the environment variable ``ANN_DATA_HOME`` is set;
3. ``~/.keras/datasets/<dataset>``, where ``<dataset>`` is ``fashion-mnist`` (the folder Keras's
   own ``fashion_mnist.load_data()`` fills, so files it downloaded are reused) or
   ``california-housing``.

A loader reads the files from that folder; the missing ones are downloaded (``urllib``, with a
timeout; written to a temporary file and renamed, so no partial file is ever left). Offline, or
with ``download=False``, a missing file raises :class:`DatasetUnavailableError`, which says which
files are missing, where they were looked for and where to put them.
"""

import gzip
import hashlib
import http.client
import math
import os
import struct
import tarfile
import tempfile
import urllib.request
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike
from sklearn import datasets as sklearn_datasets
from sklearn.model_selection import train_test_split

DATA_HOME_ENV = "ANN_DATA_HOME"
"""Environment variable naming the root folder of the downloaded datasets."""
DEFAULT_DATA_HOME = Path("~/.keras/datasets")
"""Root folder of the downloaded datasets when ``ANN_DATA_HOME`` is not set."""
DOWNLOAD_TIMEOUT = 30.0
"""Seconds to wait for the server before a download is given up."""
_CHUNK_SIZE = 1 << 16


class DatasetUnavailableError(OSError):
    """A dataset's files are neither in its cache folder nor downloadable right now.

    Attributes
    ----------
    dataset : str
        Name of the dataset.
    directory : pathlib.Path
        Folder where the files were looked for (and where they should be put).
    missing : tuple of str
        Names of the missing files.
    """

    def __init__(
        self, dataset: str, directory: Path, missing: Sequence[str], reason: str, subfolder: str
    ) -> None:
        self.dataset = dataset
        self.directory = directory
        self.missing = tuple(missing)
        super().__init__(
            f"{dataset} is not available: file(s) {', '.join(self.missing)} missing from "
            f"{directory}. {reason}. Put the file(s) in {directory}, or pass the folder that holds "
            f"them as cache_dir, or set {DATA_HOME_ENV} to a folder whose subfolder "
            f"'{subfolder}' holds them."
        )


class DatasetFormatError(ValueError):
    """A dataset file exists but is not in the expected format (corrupt, truncated, wrong file)."""


# --------------------------------------------------------------------------------------------
# Splits
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DatasetSplit:
    """A dataset cut into a training, a validation and a test set.

    The training set fits the parameters, the validation set chooses between models and
    hyperparameters (and drives early stopping), and the test set estimates the generalization
    error once, at the end.
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_valid: np.ndarray
    y_valid: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    feature_names: tuple[str, ...] = ()
    target_names: tuple[str, ...] = ()


def _count(size: float, n_samples: int, name: str) -> int:
    """Turn a split size (fraction of all samples, or number of samples) into a count."""
    if isinstance(size, bool) or not isinstance(size, int | float | np.integer | np.floating):
        raise TypeError(f"{name} must be a fraction in [0, 1) or a sample count, got {size!r}")
    if isinstance(size, int | np.integer):
        if not 0 <= size < n_samples:
            raise ValueError(f"{name} must be a count in [0, {n_samples}), got {size}")
        return int(size)
    if not 0.0 <= size < 1.0:
        raise ValueError(f"{name} must be a fraction in [0, 1), got {size}")
    return math.ceil(size * n_samples)


def _take(
    X: np.ndarray, y: np.ndarray, n_taken: int, stratify: bool, random_state: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Split off ``n_taken`` samples: returns (X_kept, X_taken, y_kept, y_taken)."""
    if n_taken == 0:
        return X, X[:0], y, y[:0]
    return train_test_split(
        X, y, test_size=n_taken, stratify=y if stratify else None, random_state=random_state
    )


def split_dataset(
    X: ArrayLike,
    y: ArrayLike,
    *,
    test_size: float = 0.2,
    validation_size: float = 0.2,
    stratify: bool = False,
    random_state: int = 42,
    feature_names: Sequence[str] = (),
    target_names: Sequence[str] = (),
) -> DatasetSplit:
    """Shuffle and cut ``(X, y)`` into training, validation and test sets.

    Parameters
    ----------
    X : array-like of shape (n_samples, ...)
        Instances (any number of dimensions after the first).
    y : array-like of shape (n_samples, ...)
        Targets.
    test_size, validation_size : float or int, default 0.2
        Size of the test and of the validation set: a float is a fraction of *all* samples
        (rounded up), an int a number of samples. The training set gets the rest.
    stratify : bool, default False
        Keep the class proportions of ``y`` in every set (for classification).
    random_state : int, default 42
        Seed of the shuffling.
    feature_names, target_names : sequence of str
        Stored in the returned split.

    Returns
    -------
    DatasetSplit
    """
    X_all, y_all = np.asarray(X), np.asarray(y)
    if X_all.ndim == 0 or y_all.ndim == 0 or len(X_all) != len(y_all):
        raise ValueError(
            f"X and y must hold the same number of samples, got shapes {X_all.shape} and "
            f"{y_all.shape}"
        )
    n_samples = len(X_all)
    n_test = _count(test_size, n_samples, "test_size")
    n_valid = _count(validation_size, n_samples, "validation_size")
    if n_test + n_valid >= n_samples:
        raise ValueError(
            f"test_size and validation_size take {n_test} + {n_valid} of {n_samples} samples: "
            "nothing is left for training"
        )
    X_rest, X_test, y_rest, y_test = _take(X_all, y_all, n_test, stratify, random_state)
    X_train, X_valid, y_train, y_valid = _take(X_rest, y_rest, n_valid, stratify, random_state)
    return DatasetSplit(
        X_train,
        y_train,
        X_valid,
        y_valid,
        X_test,
        y_test,
        feature_names=tuple(feature_names),
        target_names=tuple(str(name) for name in target_names),
    )


# --------------------------------------------------------------------------------------------
# Datasets bundled with scikit-learn (offline)
# --------------------------------------------------------------------------------------------


def _stratified_split(
    bunch, X: np.ndarray, test_size: float, validation_size: float, random_state: int
) -> DatasetSplit:
    """Stratified :func:`split_dataset` of a scikit-learn classification bunch, features ``X``."""
    return split_dataset(
        X,
        bunch.target,
        test_size=test_size,
        validation_size=validation_size,
        stratify=True,
        random_state=random_state,
        feature_names=bunch.feature_names,
        target_names=bunch.target_names,
    )


def load_iris(
    *, test_size: float = 0.2, validation_size: float = 0.2, random_state: int = 42
) -> DatasetSplit:
    """Iris flowers: 150 instances, 4 measurements (cm), 3 species; stratified split.

    See :func:`split_dataset` for the parameters.
    """
    bunch = sklearn_datasets.load_iris()
    return _stratified_split(bunch, bunch.data, test_size, validation_size, random_state)


def load_digits(
    *,
    scale: bool = True,
    as_images: bool = False,
    test_size: float = 0.2,
    validation_size: float = 0.2,
    random_state: int = 42,
) -> DatasetSplit:
    """Handwritten digits: 1,797 images of 8x8 pixels with 17 gray levels (0-16); stratified split.

    Parameters
    ----------
    scale : bool, default True
        Divide the pixel values by 16 so that they lie in [0, 1].
    as_images : bool, default False
        Give each instance as an 8x8 image (``X`` of shape (n, 8, 8), the input of an image
        classifier such as ``build_classifier((8, 8), 10)``) instead of a row of 64 pixels.
    test_size, validation_size, random_state
        See :func:`split_dataset`.
    """
    bunch = sklearn_datasets.load_digits()
    X = bunch.data / 16.0 if scale else bunch.data
    if as_images:
        X = X.reshape(-1, 8, 8)
    return _stratified_split(bunch, X, test_size, validation_size, random_state)


def load_diabetes(
    *,
    scaled: bool = True,
    test_size: float = 0.2,
    validation_size: float = 0.2,
    random_state: int = 42,
) -> DatasetSplit:
    """Diabetes progression: 442 patients, 10 baseline variables, a disease score (regression).

    Parameters
    ----------
    scaled : bool, default True
        As in scikit-learn: centre each feature and scale it to unit Euclidean norm; ``False``
        gives the original values (age in years, blood pressure, ...).
    test_size, validation_size, random_state
        See :func:`split_dataset`.
    """
    bunch = sklearn_datasets.load_diabetes(scaled=scaled)
    return split_dataset(
        bunch.data,
        bunch.target,
        test_size=test_size,
        validation_size=validation_size,
        random_state=random_state,
        feature_names=bunch.feature_names,
        target_names=("disease_progression",),
    )


# --------------------------------------------------------------------------------------------
# Cache folders and downloads
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _RemoteFile:
    name: str
    url: str
    sha256: str | None = None


def data_home() -> Path:
    """Root folder of the downloaded datasets: ``$ANN_DATA_HOME``, else ``~/.keras/datasets``."""
    return Path(os.environ.get(DATA_HOME_ENV) or DEFAULT_DATA_HOME).expanduser()


def _dataset_dir(cache_dir: str | os.PathLike[str] | None, subfolder: str) -> Path:
    if cache_dir is None:
        return data_home() / subfolder
    return Path(cache_dir).expanduser()


def _download(remote: _RemoteFile, destination: Path, timeout: float) -> None:
    """Download ``remote`` to ``destination`` atomically.

    The bytes go to a temporary file in the same folder, which is renamed to ``destination``
    only once complete (and, when a SHA-256 is known, verified); on any failure it is deleted.
    """
    destination.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary_name = tempfile.mkstemp(
        dir=destination.parent, prefix=f".{destination.name}.", suffix=".part"
    )
    try:
        digest = hashlib.sha256()
        with (
            os.fdopen(descriptor, "wb") as temporary_file,
            urllib.request.urlopen(remote.url, timeout=timeout) as response,
        ):
            while chunk := response.read(_CHUNK_SIZE):
                digest.update(chunk)
                temporary_file.write(chunk)
        if remote.sha256 is not None and digest.hexdigest() != remote.sha256:
            raise DatasetFormatError(
                f"the download of {remote.name} has SHA-256 {digest.hexdigest()}, "
                f"expected {remote.sha256}"
            )
        os.replace(temporary_name, destination)
    finally:
        Path(temporary_name).unlink(missing_ok=True)


def _ensure_files(
    dataset: str,
    subfolder: str,
    directory: Path,
    remote_files: Sequence[_RemoteFile],
    *,
    download: bool,
    timeout: float,
) -> list[Path]:
    """Return the paths of ``remote_files`` in ``directory``, downloading the missing ones."""
    paths = [directory / remote.name for remote in remote_files]
    missing = [
        remote for remote, path in zip(remote_files, paths, strict=True) if not path.is_file()
    ]
    if missing and not download:
        raise DatasetUnavailableError(
            dataset,
            directory,
            [remote.name for remote in missing],
            "Downloads are off (download=False)",
            subfolder,
        )
    for position, remote in enumerate(missing):
        try:
            _download(remote, directory / remote.name, timeout)
        except (OSError, ValueError, http.client.HTTPException) as error:
            raise DatasetUnavailableError(
                dataset,
                directory,
                [later.name for later in missing[position:]],
                f"Downloading {remote.url} failed ({error})",
                subfolder,
            ) from error
    return paths


# --------------------------------------------------------------------------------------------
# Fashion-MNIST (IDX files)
# --------------------------------------------------------------------------------------------

FASHION_MNIST_SUBFOLDER = "fashion-mnist"
"""Subfolder of the data home holding the Fashion-MNIST files (the one Keras uses)."""
FASHION_MNIST_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
"""Folder URL of the four Fashion-MNIST files (the mirror Keras downloads from)."""
FASHION_MNIST_FILES = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)
FASHION_MNIST_CLASS_NAMES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
IDX_IMAGES_MAGIC = 0x00000803
"""Magic number of an IDX file of unsigned bytes with 3 dimensions (images)."""
IDX_LABELS_MAGIC = 0x00000801
"""Magic number of an IDX file of unsigned bytes with 1 dimension (labels)."""

# IDX type codes (third byte of the magic number) and the big-endian numpy types they denote.
_IDX_TYPES = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


def _read_bytes(path: Path) -> bytes:
    """Read a file, decompressing it when its name ends with ``.gz``."""
    if not path.is_file():
        raise FileNotFoundError(f"no file at {path}")
    try:
        if path.name.endswith(".gz"):
            with gzip.open(path, "rb") as file:
                return file.read()
        return path.read_bytes()
    except (EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise DatasetFormatError(f"{path} is not a complete gzip file ({error})") from error


def read_idx(path: str | os.PathLike[str], *, expected_magic: int | None = None) -> np.ndarray:
    """Read an array from an IDX file (the format of MNIST and Fashion-MNIST), gzipped or not.

    An IDX file is a 4-byte magic number ``0x00 0x00 <type code> <number of dimensions>``, one
    big-endian 32-bit size per dimension, then the values in row-major (C) order.

    Parameters
    ----------
    path : path-like
        File to read; ``.gz`` files are decompressed.
    expected_magic : int, optional
        Required magic number, e.g. :data:`IDX_IMAGES_MAGIC` (``0x00000803``).

    Returns
    -------
    numpy.ndarray
        The values, in the machine's byte order, with the shape given by the header.

    Raises
    ------
    DatasetFormatError
        When the magic number is wrong or unknown, or the data is shorter or longer than the
        header says.
    """
    path = Path(path)
    content = _read_bytes(path)
    if len(content) < 4:
        raise DatasetFormatError(f"{path} is too short to be an IDX file ({len(content)} bytes)")
    (magic,) = struct.unpack(">I", content[:4])
    if expected_magic is not None and magic != expected_magic:
        raise DatasetFormatError(
            f"{path} has the magic number 0x{magic:08X}, expected 0x{expected_magic:08X}"
        )
    type_code, n_dims = content[2], content[3]
    if content[:2] != b"\x00\x00" or type_code not in _IDX_TYPES or n_dims == 0:
        raise DatasetFormatError(f"{path} does not start with an IDX magic number (0x{magic:08X})")
    header_size = 4 + 4 * n_dims
    if len(content) < header_size:
        raise DatasetFormatError(f"{path} is truncated inside its header")
    shape = struct.unpack(f">{n_dims}I", content[4:header_size])
    dtype = _IDX_TYPES[type_code]
    expected_size = math.prod(shape) * dtype.itemsize
    actual_size = len(content) - header_size
    if actual_size != expected_size:
        problem = "is truncated" if actual_size < expected_size else "has trailing bytes"
        raise DatasetFormatError(
            f"{path} {problem}: its header announces shape {shape}, that is {expected_size} bytes "
            f"of data, but {actual_size} follow"
        )
    values = np.frombuffer(content, dtype=dtype, offset=header_size).reshape(shape)
    return values.astype(dtype.newbyteorder("="))


def read_fashion_mnist(
    directory: str | os.PathLike[str],
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Read the four Fashion-MNIST files of ``directory`` (no download).

    Returns
    -------
    ((X_train, y_train), (X_test, y_test))
        Images as uint8 arrays of shape (n, 28, 28) and labels as uint8 arrays of shape (n,),
        like ``keras.datasets.fashion_mnist.load_data()``.
    """
    folder = Path(directory)
    parts = []
    for images_name, labels_name in (FASHION_MNIST_FILES[:2], FASHION_MNIST_FILES[2:]):
        images = read_idx(folder / images_name, expected_magic=IDX_IMAGES_MAGIC)
        labels = read_idx(folder / labels_name, expected_magic=IDX_LABELS_MAGIC)
        if images.shape[1:] != (28, 28):
            raise DatasetFormatError(
                f"{folder / images_name} holds images of shape {images.shape[1:]}, "
                "expected (28, 28)"
            )
        if len(images) != len(labels):
            raise DatasetFormatError(
                f"{images_name} holds {len(images)} images but {labels_name} holds "
                f"{len(labels)} labels"
            )
        if labels.size and labels.max() >= len(FASHION_MNIST_CLASS_NAMES):
            raise DatasetFormatError(
                f"{folder / labels_name} holds the label {labels.max()}, expected 0 to 9"
            )
        parts.append((images, labels))
    return parts[0], parts[1]


def load_fashion_mnist(
    cache_dir: str | os.PathLike[str] | None = None,
    *,
    validation_size: int = 5000,
    scale: bool = True,
    download: bool = True,
    base_url: str = FASHION_MNIST_URL,
    timeout: float = DOWNLOAD_TIMEOUT,
) -> DatasetSplit:
    """Fashion-MNIST: 70,000 grayscale 28x28 images of clothing in 10 classes.

    The test set is the official one (10,000 images); the validation set is the last
    ``validation_size`` images of the official training set (60,000), the training set the rest.

    Parameters
    ----------
    cache_dir : path-like, optional
        Folder holding the four ``.gz`` files; see the module documentation for the default.
    validation_size : int, default 5000
        Number of training images kept for validation.
    scale : bool, default True
        Give the pixels as float32 in [0, 1] (divided by 255) instead of uint8 in 0-255.
    download : bool, default True
        Download the missing files from ``base_url``.
    base_url : str
        URL of the folder holding the files (``file://`` URLs work too).
    timeout : float
        Seconds to wait for the server.

    Raises
    ------
    DatasetUnavailableError
        When files are missing and cannot be downloaded.
    DatasetFormatError
        When a file is corrupt.
    """
    if isinstance(validation_size, bool) or not isinstance(validation_size, int | np.integer):
        raise TypeError(f"validation_size must be an int, got {validation_size!r}")
    directory = _dataset_dir(cache_dir, FASHION_MNIST_SUBFOLDER)
    remote_files = [_RemoteFile(name, base_url + name) for name in FASHION_MNIST_FILES]
    _ensure_files(
        "Fashion-MNIST",
        FASHION_MNIST_SUBFOLDER,
        directory,
        remote_files,
        download=download,
        timeout=timeout,
    )
    (X_full, y_full), (X_test, y_test) = read_fashion_mnist(directory)
    if not 0 <= validation_size < len(X_full):
        raise ValueError(
            f"validation_size must be in [0, {len(X_full)}) (the training images), "
            f"got {validation_size}"
        )
    if scale:
        X_full, X_test = X_full.astype(np.float32) / 255.0, X_test.astype(np.float32) / 255.0
    n_train = len(X_full) - validation_size
    return DatasetSplit(
        X_full[:n_train],
        y_full[:n_train],
        X_full[n_train:],
        y_full[n_train:],
        X_test,
        y_test,
        target_names=FASHION_MNIST_CLASS_NAMES,
    )


# --------------------------------------------------------------------------------------------
# California housing (cal_housing.tgz)
# --------------------------------------------------------------------------------------------

CALIFORNIA_HOUSING_SUBFOLDER = "california-housing"
"""Subfolder of the data home holding ``cal_housing.tgz``."""
CALIFORNIA_HOUSING_URL = "https://ndownloader.figshare.com/files/5976036"
"""URL of ``cal_housing.tgz`` (the copy scikit-learn downloads)."""
CALIFORNIA_HOUSING_SHA256 = "aaa5c9a6afe2225cc2aed2723682ae403280c4a3695a2ddda4ffb5d8215ea681"
CALIFORNIA_HOUSING_ARCHIVE = "cal_housing.tgz"
CALIFORNIA_HOUSING_MEMBER = "CaliforniaHousing/cal_housing.data"
CALIFORNIA_HOUSING_RAW_COLUMNS = (
    "longitude",
    "latitude",
    "housingMedianAge",
    "totalRooms",
    "totalBedrooms",
    "population",
    "households",
    "medianIncome",
    "medianHouseValue",
)
"""Columns of ``cal_housing.data`` (comma-separated, no header), one row per census block group."""
CALIFORNIA_HOUSING_FEATURES = (
    "MedInc",
    "HouseAge",
    "AveRooms",
    "AveBedrms",
    "Population",
    "AveOccup",
    "Latitude",
    "Longitude",
)
"""Features returned, in scikit-learn's order."""


def read_california_housing(archive: str | os.PathLike[str]) -> tuple[np.ndarray, np.ndarray]:
    """Read ``cal_housing.tgz`` and derive the features of scikit-learn's California housing.

    The result equals ``sklearn.datasets.fetch_california_housing(return_X_y=True)``.

    Per block group: median income (tens of thousands of dollars), median house age, rooms,
    bedrooms and occupants *per household* (the totals divided by the number of households),
    population, latitude and longitude; the target is the median house value in units of
    $100,000.

    Returns
    -------
    X : ndarray of shape (n_samples, 8)
        Columns named by :data:`CALIFORNIA_HOUSING_FEATURES`.
    y : ndarray of shape (n_samples,)
    """
    path = Path(archive)
    if not path.is_file():
        raise FileNotFoundError(f"no file at {path}")
    try:
        with tarfile.open(path, mode="r:gz") as tar:
            member = tar.extractfile(CALIFORNIA_HOUSING_MEMBER)
            if member is None:
                raise DatasetFormatError(f"{CALIFORNIA_HOUSING_MEMBER} in {path} is not a file")
            table = np.loadtxt(member, delimiter=",", ndmin=2)
    except DatasetFormatError:
        raise
    except KeyError as error:
        raise DatasetFormatError(f"{path} holds no {CALIFORNIA_HOUSING_MEMBER}") from error
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise DatasetFormatError(f"{path} is not a complete .tgz archive ({error})") from error
    except ValueError as error:
        raise DatasetFormatError(f"{CALIFORNIA_HOUSING_MEMBER} in {path}: {error}") from error
    if table.shape[1] != len(CALIFORNIA_HOUSING_RAW_COLUMNS):
        raise DatasetFormatError(
            f"{CALIFORNIA_HOUSING_MEMBER} in {path} has {table.shape[1]} columns, expected "
            f"{len(CALIFORNIA_HOUSING_RAW_COLUMNS)}: {', '.join(CALIFORNIA_HOUSING_RAW_COLUMNS)}"
        )
    column = dict(zip(CALIFORNIA_HOUSING_RAW_COLUMNS, table.T, strict=True))
    households = column["households"]
    if np.any(households <= 0):
        raise DatasetFormatError(f"{path} has block groups without households")
    X = np.column_stack(
        [
            column["medianIncome"],
            column["housingMedianAge"],
            column["totalRooms"] / households,
            column["totalBedrooms"] / households,
            column["population"],
            column["population"] / households,
            column["latitude"],
            column["longitude"],
        ]
    )
    y = column["medianHouseValue"] / 100_000.0
    return X, y


def load_california_housing(
    cache_dir: str | os.PathLike[str] | None = None,
    *,
    test_size: float = 0.2,
    validation_size: float = 0.2,
    random_state: int = 42,
    download: bool = True,
    url: str = CALIFORNIA_HOUSING_URL,
    sha256: str | None = CALIFORNIA_HOUSING_SHA256,
    timeout: float = DOWNLOAD_TIMEOUT,
) -> DatasetSplit:
    """California housing: 20,640 block groups, 8 features, median house value (regression).

    Parameters
    ----------
    cache_dir : path-like, optional
        Folder holding ``cal_housing.tgz``; see the module documentation for the default.
    test_size, validation_size, random_state
        See :func:`split_dataset` (the split is shuffled, not stratified).
    download : bool, default True
        Download the archive from ``url`` when it is missing.
    url : str
        Where to download ``cal_housing.tgz`` from (``file://`` URLs work too).
    sha256 : str or None
        Expected SHA-256 of the download (``None`` skips the check).
    timeout : float
        Seconds to wait for the server.

    Raises
    ------
    DatasetUnavailableError
        When the archive is missing and cannot be downloaded.
    DatasetFormatError
        When the archive is corrupt.
    """
    directory = _dataset_dir(cache_dir, CALIFORNIA_HOUSING_SUBFOLDER)
    remote = _RemoteFile(CALIFORNIA_HOUSING_ARCHIVE, url, sha256)
    (archive,) = _ensure_files(
        "California housing",
        CALIFORNIA_HOUSING_SUBFOLDER,
        directory,
        [remote],
        download=download,
        timeout=timeout,
    )
    X, y = read_california_housing(archive)
    return split_dataset(
        X,
        y,
        test_size=test_size,
        validation_size=validation_size,
        random_state=random_state,
        feature_names=CALIFORNIA_HOUSING_FEATURES,
        target_names=("MedHouseVal",),
    )
