# Lookerbot: docker build -t lookerbot . && docker run --env-file .env -p 3333:3333 lookerbot
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

RUN useradd --create-home --uid 10001 lookerbot
COPY pyproject.toml README.md requirements.lock ./
RUN pip install --require-hashes -r requirements.lock
COPY lookerbot ./lookerbot
RUN pip install --no-deps .

# Accepted deliveries are kept here (SQLite) until posted: mount a volume to keep them
# across container replacements.
ENV LOOKERBOT_DATA_DIR=/app/lookerbot-data
RUN mkdir -p /app/lookerbot-data && chown lookerbot /app/lookerbot-data
VOLUME /app/lookerbot-data
USER lookerbot
EXPOSE 3333
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('PORT', '3333') + '/health_check', timeout=4)"
# SIGTERM stops the bot gracefully: it finishes work in flight, then exits 0.
CMD ["lookerbot", "serve"]
