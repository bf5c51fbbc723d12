from app.core.errors import ErrorKind, InvalidInput, NotFound


class FileRefused(InvalidInput):
    """The file as a whole cannot be loaded; nothing of it is."""

    code = "file_refused"


class UploadTooLarge(FileRefused):
    """More bytes than ``XYD_UPLOAD_MAX_BYTES``."""

    code = "upload_too_large"
    kind = ErrorKind.TOO_LARGE


class SpreadsheetTooLarge(FileRefused):
    """A sheet with data beyond the row or column limit."""

    code = "spreadsheet_too_large"


class ArchiveTooLarge(FileRefused):
    """A workbook that would unpack to too much (a zip bomb)."""

    code = "archive_too_large"


class UnknownEncoding(FileRefused):
    """A text file that is neither UTF-8 nor GB18030."""

    code = "unknown_encoding"


class BatchNotFound(NotFound):
    code = "batch_not_found"
