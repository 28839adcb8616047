"""Optical character recognition of page images (Chinese, simplified and traditional).

`recognise.recognise(image)` reads one page; `step.ocr_step` is the pipeline step that stores
the result as PageText rows; `engine` holds the offline RapidOCR engine, one per process.
"""
