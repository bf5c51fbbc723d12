from app.core.errors import InvalidInput, NotFound


class FileRefused(InvalidInput):
    """The file as a whole cannot be loaded; nothing of it is."""

    code = "file_refused"


class BatchNotFound(NotFound):
    code = "batch_not_found"
