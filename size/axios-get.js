// axios, one GET with cookies, for comparison.
import axios from 'axios';

axios.get('/api/me', { withCredentials: true }).then((response) => console.log(response.data));
