# JupyterHub configuration for the ketatraining course server (docs/deployment.md).
# TLJH: copy to /opt/tljh/config/jupyterhub_config.d/ketatraining.py
# Z2JH: paste into hub.extraConfig.ketatraining in config.yaml
# The values come from the hub's environment so that no secret is written here.
import os

c = get_config()  # noqa: F821  (JupyterHub config files get this)

# The course server, run beside the hub (a systemd unit, or a Kubernetes Deployment with
# one or more replicas); it receives the same token as JUPYTERHUB_API_TOKEN.
c.JupyterHub.services.append({
    "name": "ketatraining",
    "url": os.environ.get("KETATRAINING_SERVICE_BIND_URL", "http://127.0.0.1:10101"),
    "api_token": os.environ["KETATRAINING_SERVICE_TOKEN"],
    "display": False,
})
trainers = os.environ.get("KETATRAINING_TRAINERS_GROUP", "ketatraining-trainers")
c.JupyterHub.load_roles.extend([
    # the service may read who is in the trainers' group, nothing else
    {"name": "ketatraining-service", "services": ["ketatraining"],
     "scopes": [f"read:groups!group={trainers}"]},
    # every user may call the course server (and only it, beyond their own server)
    {"name": "user", "scopes": ["self", "access:services!service=ketatraining"]},
])
# The token in each learner's server (JUPYTERHUB_API_TOKEN) may call the course server.
c.Spawner.server_token_scopes = [
    "users:activity!user", "access:servers!server", "access:services!service=ketatraining",
]
# Learners' kernels get the course server's address: no database URL, no quiz keys.
c.Spawner.environment.update({
    "KETATRAINING_ASSESSMENT": "hub",
    "KETATRAINING_SERVICE_URL": os.environ.get(
        "KETATRAINING_LEARNER_SERVICE_URL", "http://127.0.0.1/services/ketatraining/"),
})
