"""The two coordinate reference systems oovgeo uses, named once.

Analysis (distances, grids, kernels, placement) happens in metres in RD New; web maps need
WGS84 longitude/latitude.
"""

RD = "EPSG:28992"
WGS84 = "EPSG:4326"

# Validity area of RD New (land and coastal water of the Netherlands), metres:
# xmin, ymin, xmax, ymax. On land x < y always holds, which is how swapped axes are detected.
RD_BOUNDS = (-7_000.0, 289_000.0, 300_000.0, 629_000.0)

# The Netherlands with a margin in WGS84 degrees: lon_min, lat_min, lon_max, lat_max.
WGS84_BOUNDS = (2.5, 50.6, 7.4, 53.8)
