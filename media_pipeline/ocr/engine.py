"""The OCR engine: RapidOCR with the PP-OCRv6 small models bundled in its PyPI wheel.

rapidocr 3.10 ships detection, recognition (simplified and traditional Chinese, plus Latin) and
the 0°/180° line classifier inside the wheel. Every model path is set explicitly to those files:
left unset, RapidOCR looks models up by name and may try to download them, which must never
happen on an archive server (and cannot, offline). The recognition dictionary is embedded in the
ONNX model's metadata, so no keys file is needed either.

One engine per worker process, made on first use: loading the three ONNX sessions costs far more
than recognising a line, and a worker processes many pages.
"""

from __future__ import annotations

import logging
import threading
from importlib.metadata import version
from pathlib import Path

from django.conf import settings

ENGINE = "rapidocr"
MODELS = {
    "Det.model_path": "PP-OCRv6_det_small.onnx",
    "Rec.model_path": "PP-OCRv6_rec_small.onnx",
    "Cls.model_path": "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
}
MODEL_NAMES = "PP-OCRv6 small det+rec, PP-OCR mobile v2 cls"
DETECTION_MAX_SIDE = 1024
REC_BATCH = 1

_engine = None
_lock = threading.Lock()


def engine_version() -> str:
    return f"{version('rapidocr')} ({MODEL_NAMES})"


def models_dir() -> Path:
    import rapidocr

    return Path(rapidocr.__file__).parent / "models"


def get_engine():
    """The process-wide RapidOCR instance, created on first use."""
    global _engine
    if _engine is None:
        with _lock:
            if _engine is None:
                _engine = _make_engine()
    return _engine


def _make_engine():
    from rapidocr import RapidOCR

    root = models_dir()
    params: dict[str, object] = {key: str(root / name) for key, name in MODELS.items()}
    missing = [str(path) for path in params.values() if not Path(str(path)).is_file()]
    if missing:
        raise FileNotFoundError(
            f"RapidOCR's bundled models are missing ({', '.join(missing)}); reinstall the pinned "
            "rapidocr wheel."
        )
    threads = int(getattr(settings, "OCR_THREADS", 0) or -1)
    params.update(
        {
            "Global.log_level": "error",
            # The detector sees the page shrunk to this long side (lines are then cut from the
            # full-resolution page for recognition). On the bench's A4 300-dpi pages, 1024 reads
            # as well as 1280 (which read as well as RapidOCR's default 2000) in two thirds of
            # the detection time, and finds more lines of a poor photocopy: a line of 13-14 pt
            # body text is still ~16 px tall.
            "Global.max_side_len": DETECTION_MAX_SIDE,
            "EngineConfig.onnxruntime.intra_op_num_threads": threads,
            # One line per recognition run: a batch is padded to its widest line and, on the
            # bench's pages, batches of 6 cost a fifth more CPU than lines one at a time (2.4 s
            # against 1.9 s for a page's 28 lines). The memory arena keeps the buffers of one
            # run for the next instead of allocating them again (~0.1 s a page).
            "Rec.rec_batch_num": REC_BATCH,
            "EngineConfig.onnxruntime.enable_cpu_mem_arena": True,
        }
    )
    # RapidOCR logs through its own logger with handlers; keep it to errors in worker logs.
    logging.getLogger("RapidOCR").setLevel(logging.ERROR)
    return RapidOCR(params=params)
