# moto's server as a local AWS (S3, Glue, Athena) for compose.yaml, built from the same
# base as Mason's image, so `compose up` needs no image but a Python one.
ARG BASE=docker.io/library/python:3.12-slim
FROM ${BASE}
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 PATH=/opt/moto/bin:$PATH
# only the services compose.yaml uses, and the server's web framework (moto[server]
# would add CloudFormation's linter and a dozen other services' dependencies)
RUN python3 -m venv /opt/moto \
    && /opt/moto/bin/pip install "moto[s3,glue,athena]>=5.1,<6" "flask!=2.2.0,!=2.2.1" flask-cors
USER 65534:65534
EXPOSE 5000
HEALTHCHECK --interval=5s --timeout=3s --retries=20 \
    CMD ["python3", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5000/moto-api/', timeout=2)"]
CMD ["moto_server", "-H", "0.0.0.0", "-p", "5000"]
