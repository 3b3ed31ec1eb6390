"""Hello-world Flask app: the control that page throughput is compared with."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def index() -> str:
    return "Hello, world!"
