"""决算 open data: report packages → checks → site. Subpackages: data, checks, charts, site, importer, tools."""
