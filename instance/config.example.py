# Copy to instance/config.py and adjust. Environment variables override these values.

# SECRET_KEY = "a long random string"       # default: generated into instance/secret_key
# SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://tadbir@127.0.0.1/tadbir"  # or DATABASE_URL
# CONTENT_DIR = "/srv/tadbir/content"       # default: content/ beside the application
# SITE_NAME = "Tadbir"
