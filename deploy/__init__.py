"""Serving the dashboard to many viewers: several processes behind HAProxy on one machine
(``cluster``, ``haproxy.cfg``), and the files for more machines (``Dockerfile``, ``compose.yaml``,
``k8s/``). Not part of ``model`` (which knows nothing of serving) nor of ``ui`` (what a page shows)."""
