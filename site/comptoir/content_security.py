"""The Content-Security-Policy header of every response, and the admin's own.

django-csp writes `settings.CONTENT_SECURITY_POLICY` on every response. Wagtail's
admin is not CSP-clean yet (it writes inline scripts and styles), so for paths
under `settings.ADMIN_URL_PREFIXES` the directives of
`settings.ADMIN_CONTENT_SECURITY_POLICY` replace the site's; the others (no
plug-ins, no foreign scripts, no `<base>`, forms to the site only) still hold.
"""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's directives under its prefixes."""

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith(
            tuple(settings.ADMIN_URL_PREFIXES)
        ):
            parts.replace = {
                **settings.ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"],
                **(parts.replace or {}),
            }
        return parts
