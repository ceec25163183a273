/**
 * Real cities the data is placed in, weighted by population (city proper, rounded,
 * thousands of people). Restaurants sit within `radiusKm` of the centre; users
 * live in one city and rank mostly there.
 */
export interface City {
  name: string;
  state: string;
  country: string;
  latitude: number;
  longitude: number;
  /** thousands of inhabitants (the sampling weight) */
  population: number;
  /** how far restaurants spread from the centre */
  radiusKm: number;
  /** a plausible postal code prefix or pattern seed */
  postal: string;
  /** international dialling prefix and area code, for phone numbers */
  phone: string;
}

const c = (
  name: string,
  state: string,
  country: string,
  latitude: number,
  longitude: number,
  population: number,
  radiusKm: number,
  postal: string,
  phone: string,
): City => ({ name, state, country, latitude, longitude, population, radiusKm, postal, phone });

export const CITIES: readonly City[] = [
  c("New York", "New York", "United States", 40.7128, -74.006, 8336, 18, "100##", "+1 212"),
  c("Los Angeles", "California", "United States", 34.0522, -118.2437, 3822, 25, "900##", "+1 213"),
  c("Chicago", "Illinois", "United States", 41.8781, -87.6298, 2665, 16, "606##", "+1 312"),
  c("Houston", "Texas", "United States", 29.7604, -95.3698, 2303, 22, "770##", "+1 713"),
  c("Phoenix", "Arizona", "United States", 33.4484, -112.074, 1644, 20, "850##", "+1 602"),
  c(
    "Philadelphia",
    "Pennsylvania",
    "United States",
    39.9526,
    -75.1652,
    1567,
    12,
    "191##",
    "+1 215",
  ),
  c("San Antonio", "Texas", "United States", 29.4241, -98.4936, 1472, 18, "782##", "+1 210"),
  c("San Diego", "California", "United States", 32.7157, -117.1611, 1381, 16, "921##", "+1 619"),
  c("Dallas", "Texas", "United States", 32.7767, -96.797, 1300, 18, "752##", "+1 214"),
  c("Austin", "Texas", "United States", 30.2672, -97.7431, 974, 14, "787##", "+1 512"),
  c("San Jose", "California", "United States", 37.3382, -121.8863, 971, 12, "951##", "+1 408"),
  c("Seattle", "Washington", "United States", 47.6062, -122.3321, 749, 10, "981##", "+1 206"),
  c("Denver", "Colorado", "United States", 39.7392, -104.9903, 716, 12, "802##", "+1 303"),
  c(
    "Washington",
    "District of Columbia",
    "United States",
    38.9072,
    -77.0369,
    679,
    9,
    "200##",
    "+1 202",
  ),
  c("Nashville", "Tennessee", "United States", 36.1627, -86.7816, 684, 14, "372##", "+1 615"),
  c("Boston", "Massachusetts", "United States", 42.3601, -71.0589, 654, 8, "021##", "+1 617"),
  c("Portland", "Oregon", "United States", 45.5152, -122.6784, 630, 10, "972##", "+1 503"),
  c("Las Vegas", "Nevada", "United States", 36.1699, -115.1398, 660, 12, "891##", "+1 702"),
  c("Atlanta", "Georgia", "United States", 33.749, -84.388, 499, 12, "303##", "+1 404"),
  c("Miami", "Florida", "United States", 25.7617, -80.1918, 449, 8, "331##", "+1 305"),
  c("San Francisco", "California", "United States", 37.7749, -122.4194, 808, 7, "941##", "+1 415"),
  c("New Orleans", "Louisiana", "United States", 29.9511, -90.0715, 364, 9, "701##", "+1 504"),
  c("Minneapolis", "Minnesota", "United States", 44.9778, -93.265, 425, 8, "554##", "+1 612"),
  c("Honolulu", "Hawaii", "United States", 21.3069, -157.8583, 343, 8, "968##", "+1 808"),
  c("Toronto", "Ontario", "Canada", 43.6532, -79.3832, 2794, 15, "M5V ###", "+1 416"),
  c("Montreal", "Quebec", "Canada", 45.5019, -73.5674, 1762, 12, "H2X ###", "+1 514"),
  c("Vancouver", "British Columbia", "Canada", 49.2827, -123.1207, 662, 8, "V6B ###", "+1 604"),
  c("Calgary", "Alberta", "Canada", 51.0447, -114.0719, 1306, 14, "T2P ###", "+1 403"),
  c("Mexico City", "Ciudad de Mexico", "Mexico", 19.4326, -99.1332, 9209, 20, "06###", "+52 55"),
  c("Guadalajara", "Jalisco", "Mexico", 20.6597, -103.3496, 1385, 12, "44###", "+52 33"),
  c("London", "England", "United Kingdom", 51.5074, -0.1278, 8799, 18, "EC1A #", "+44 20"),
  c("Manchester", "England", "United Kingdom", 53.4808, -2.2426, 552, 8, "M1 #", "+44 161"),
  c("Edinburgh", "Scotland", "United Kingdom", 55.9533, -3.1883, 527, 7, "EH1 #", "+44 131"),
  c("Dublin", "Leinster", "Ireland", 53.3498, -6.2603, 592, 8, "D02 ###", "+353 1"),
  c("Paris", "Ile-de-France", "France", 48.8566, 2.3522, 2103, 8, "750##", "+33 1"),
  c("Lyon", "Auvergne-Rhone-Alpes", "France", 45.764, 4.8357, 522, 6, "6900#", "+33 4"),
  c("Berlin", "Berlin", "Germany", 52.52, 13.405, 3755, 14, "10###", "+49 30"),
  c("Munich", "Bavaria", "Germany", 48.1351, 11.582, 1512, 10, "80###", "+49 89"),
  c("Madrid", "Community of Madrid", "Spain", 40.4168, -3.7038, 3332, 12, "280##", "+34 91"),
  c("Barcelona", "Catalonia", "Spain", 41.3874, 2.1686, 1660, 8, "080##", "+34 93"),
  c("Rome", "Lazio", "Italy", 41.9028, 12.4964, 2749, 14, "001##", "+39 06"),
  c("Milan", "Lombardy", "Italy", 45.4642, 9.19, 1372, 8, "201##", "+39 02"),
  c("Amsterdam", "North Holland", "Netherlands", 52.3676, 4.9041, 931, 7, "10## AB", "+31 20"),
  c("Lisbon", "Lisbon", "Portugal", 38.7223, -9.1393, 545, 7, "1100-###", "+351 21"),
  c("Istanbul", "Istanbul", "Turkey", 41.0082, 28.9784, 15655, 25, "34###", "+90 212"),
  c("Tokyo", "Tokyo", "Japan", 35.6762, 139.6503, 14094, 20, "100-####", "+81 3"),
  c("Osaka", "Osaka", "Japan", 34.6937, 135.5023, 2752, 10, "530-####", "+81 6"),
  c("Seoul", "Seoul", "South Korea", 37.5665, 126.978, 9411, 16, "04###", "+82 2"),
  c("Taipei", "Taipei", "Taiwan", 25.033, 121.5654, 2494, 9, "100##", "+886 2"),
  c("Hong Kong", "Hong Kong", "China", 22.3193, 114.1694, 7413, 14, "000000", "+852"),
  c("Shanghai", "Shanghai", "China", 31.2304, 121.4737, 24870, 25, "2000##", "+86 21"),
  c("Singapore", "Singapore", "Singapore", 1.3521, 103.8198, 5918, 14, "0####", "+65"),
  c("Kuala Lumpur", "Federal Territory", "Malaysia", 3.139, 101.6869, 1982, 12, "50###", "+60 3"),
  c("Penang", "Penang", "Malaysia", 5.4141, 100.3288, 794, 8, "10###", "+60 4"),
  c("Bangkok", "Bangkok", "Thailand", 13.7563, 100.5018, 10539, 20, "10###", "+66 2"),
  c("Ho Chi Minh City", "Ho Chi Minh", "Vietnam", 10.8231, 106.6297, 9320, 18, "700###", "+84 28"),
  c("Jakarta", "Jakarta", "Indonesia", -6.2088, 106.8456, 10562, 20, "10###", "+62 21"),
  c("Manila", "Metro Manila", "Philippines", 14.5995, 120.9842, 1846, 10, "1000", "+63 2"),
  c("Mumbai", "Maharashtra", "India", 19.076, 72.8777, 12442, 18, "4000##", "+91 22"),
  c("Delhi", "Delhi", "India", 28.7041, 77.1025, 16787, 22, "1100##", "+91 11"),
  c("Dubai", "Dubai", "United Arab Emirates", 25.2048, 55.2708, 3604, 18, "00000", "+971 4"),
  c("Sydney", "New South Wales", "Australia", -33.8688, 151.2093, 5312, 20, "2000", "+61 2"),
  c("Melbourne", "Victoria", "Australia", -37.8136, 144.9631, 5078, 20, "3000", "+61 3"),
  c("Auckland", "Auckland", "New Zealand", -36.8485, 174.7633, 1693, 14, "10##", "+64 9"),
  c("Sao Paulo", "Sao Paulo", "Brazil", -23.5505, -46.6333, 12325, 22, "01###-###", "+55 11"),
  c("Buenos Aires", "Buenos Aires", "Argentina", -34.6037, -58.3816, 3121, 12, "C1###", "+54 11"),
  c("Lima", "Lima", "Peru", -12.0464, -77.0428, 10092, 18, "15###", "+51 1"),
  c("Cape Town", "Western Cape", "South Africa", -33.9249, 18.4241, 4618, 16, "8001", "+27 21"),
];
