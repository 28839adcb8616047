"""Optical character recognition of page images (Chinese, simplified and traditional).

`recognise.recognise(image)` reads one page; `pages` opens a master's pages for reading; `engine`
holds the offline RapidOCR engine, one per process. The pipeline step that stores the result as
PageText rows is media_pipeline/steps/ocr.py.
"""
