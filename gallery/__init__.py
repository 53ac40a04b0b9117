"""The Style Gallery Django project: settings and URLs here, one app per thing users see below."""
