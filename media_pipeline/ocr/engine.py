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
DETECTION_MAX_SIDE = 1280

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
            # full-resolution page for recognition). On the bench's degraded A4 300-dpi pages,
            # 1280 reads as well as 1600 and RapidOCR's default 2000 (CER 0.011 against 0.010),
            # in half the detection time: a 300-dpi line of body text is still ~15 px tall.
            "Global.max_side_len": DETECTION_MAX_SIDE,
            "EngineConfig.onnxruntime.intra_op_num_threads": threads,
        }
    )
    # RapidOCR logs through its own logger with handlers; keep it to errors in worker logs.
    logging.getLogger("RapidOCR").setLevel(logging.ERROR)
    return RapidOCR(params=params)
