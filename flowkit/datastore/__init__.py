"""Where runs keep their bytes: a small storage-backend interface and the content-addressed store."""
