def home_summary(user):
    return {"template": "default"}
